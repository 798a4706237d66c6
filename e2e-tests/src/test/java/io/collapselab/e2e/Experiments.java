package io.collapselab.e2e;


import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.cli.RunJson;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.Presets;
import io.collapselab.experiment.SamplingSettings;
import io.collapselab.lm.ComputeEnvironment;
import io.collapselab.lm.RealText;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The experiments the end-to-end tests run, the real texts they run on, and their reference results.
 *
 * <p>{@link #SMOKE} is the {@code smoke} preset as it is: three generations of a tiny model, seconds of work each.
 * {@link #CRASHABLE} stretches the two phases a crash test interrupts, so that a kill sent half a second after a
 * phase starts lands inside it: 600 self-training steps (seconds, where smoke's 15 take a fraction of one), and
 * 32,768 tokens sampled as 2 sequences of 16,384 (sampling costs about the same per position whether 2 or 8
 * sequences advance together, so fewer, longer sequences make the phase last seconds; 4096 positions stopped being
 * enough once the KV cache stopped copying itself at every token).
 *
 * <p>The reference of a config is what {@code collapse loop} computes for it: the packaged command line, run as a
 * user runs it, in a JVM of its own with the services' intra-op threads and MKL settings. Not in this JVM, which
 * hosts the local stack under the pipeline's load: computed here without the MKL settings of docs/determinism.md,
 * the loop's digests drifted from generation 1 or 2 on, and a reference must not depend on what else its process
 * is doing.
 */
final class Experiments {

    static final ExperimentConfig SMOKE = Presets.get("smoke");
    static final ExperimentConfig CRASHABLE = stretched(SMOKE);

    /** Enough real text for a byte-level model to learn from, small enough to move around quickly. */
    private static final int TRAIN_BYTES = 200_000;
    private static final int HELDOUT_BYTES = 20_000;
    private static final long REFERENCE_TIMEOUT_MINUTES = 10;

    private static final Map<ExperimentConfig, CompletableFuture<RunJson>> REFERENCES = new ConcurrentHashMap<>();

    private Experiments() {
    }

    /** The real texts of every run: prefixes of WikiText-2's test split (training) and valid split (held-out). */
    record Texts(byte[] train, byte[] heldout) {
    }

    /** The texts from the copy of WikiText-2 that ships with the project. */
    static Texts texts() {
        return new Texts(RealText.train(TRAIN_BYTES), RealText.heldout(HELDOUT_BYTES));
    }

    /**
     * The reference of {@code config} on {@link #texts()}, computed once per config and JVM, in the background so
     * that it can run while the pipeline works. Its files and output are in {@code <logs>/reference/<config name>/}.
     * Skips the calling test when the command line has not been packaged.
     */
    static CompletableFuture<RunJson> startReference(ExperimentConfig config) {
        Texts texts = texts();
        List<String> classpath = E2eEnvironment.cliClasspath();
        return REFERENCES.computeIfAbsent(config, c -> CompletableFuture.supplyAsync(() ->
                computeReference(c, texts, classpath)));
    }

    private static RunJson computeReference(ExperimentConfig config, Texts texts, List<String> classpath) {
        Path dir = E2eEnvironment.logRoot().resolve("reference").resolve(config.name());
        try {
            Files.createDirectories(dir);
            Path train = Files.write(dir.resolve("train.txt"), texts.train());
            Path heldout = Files.write(dir.resolve("heldout.txt"), texts.heldout());
            Path configFile = dir.resolve("config.json");
            new ObjectMapper().writeValue(configFile.toFile(), config);
            Path json = dir.resolve("run.json");
            Files.deleteIfExists(json);
            int threads = E2eEnvironment.torchThreads();
            List<String> command = new ArrayList<>(E2eEnvironment.javaWithEngineSettings());
            command.addAll(List.of("-cp", String.join(File.pathSeparator, classpath),
                    "io.collapselab.cli.CollapseMain", "loop", "--config", configFile.toString(),
                    "--train-text", train.toString(), "--heldout-text", heldout.toString(),
                    "--threads", Integer.toString(threads), "--run-id", "reference", "--json-file", json.toString()));
            Path log = dir.resolve("loop.log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(ComputeEnvironment.forComputeProcess());
            Process process = builder.start();
            if (!process.waitFor(REFERENCE_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("collapse loop for the reference of " + config.name()
                        + " did not finish within " + REFERENCE_TIMEOUT_MINUTES + " minutes; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("collapse loop for the reference of " + config.name()
                        + " exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            return RunJson.readAll(json).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("could not compute the reference of " + config.name() + " in " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing the reference of " + config.name(), e);
        }
    }

    private static ExperimentConfig stretched(ExperimentConfig base) {
        SamplingSettings s = base.sampling();
        return base.withName("smoke-crashable")
                .withSelfTraining(base.selfTraining().withSteps(600))
                .withSampling(new SamplingSettings(32_768, 2, s.temperature(), s.topK(), s.topP(), s.prompt(),
                        s.kvCache(), s.window()));
    }
}
