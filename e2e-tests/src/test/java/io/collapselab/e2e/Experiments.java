package io.collapselab.e2e;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.collapselab.lm.loop.ExperimentConfig;
import io.collapselab.lm.loop.GenerationReport;
import io.collapselab.lm.loop.Presets;
import io.collapselab.lm.loop.SamplingSettings;
import io.collapselab.lm.loop.SelfTrainingLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The experiments the end-to-end tests run, the real texts they run on, and their in-process reference results.
 *
 * <p>{@link #SMOKE} is the {@code smoke} preset as it is: three generations of a tiny model, seconds of work each.
 * {@link #CRASHABLE} stretches the two phases a crash test interrupts, so that a kill sent half a second after a
 * generation starts lands inside it: 600 self-training steps (seconds, where smoke's 15 take a fraction of one)
 * and 8192 sampled tokens per generation.
 */
final class Experiments {

    static final ExperimentConfig SMOKE = Presets.get("smoke");
    static final ExperimentConfig CRASHABLE = stretched(SMOKE);

    /** Enough real text for a tokenizer-free byte model to learn from, small enough to move around quickly. */
    private static final int TRAIN_BYTES = 200_000;
    private static final int HELDOUT_BYTES = 20_000;

    private static final Map<ExperimentConfig, SelfTrainingLoop.Outcome> REFERENCES = new ConcurrentHashMap<>();

    private Experiments() {
    }

    /** The real texts of every run: prefixes of WikiText-2's test split (training) and valid split (held-out). */
    record Texts(byte[] train, byte[] heldout) {
    }

    /** The texts from the directory named by {@code collapse.data.dir}; skips the calling test without one. */
    static Texts texts() {
        String dir = System.getProperty("collapse.data.dir", "");
        assumeFalse(dir.isBlank() || dir.startsWith("${"),
                "set COLLAPSE_DATA_DIR (or -Dcollapse.data.dir) to a directory holding wikitext-2/");
        Path wikitext = Path.of(dir).resolve("wikitext-2");
        return new Texts(prefix(wikitext.resolve("test.txt"), TRAIN_BYTES),
                prefix(wikitext.resolve("valid.txt"), HELDOUT_BYTES));
    }

    /**
     * What {@link SelfTrainingLoop} computes in this JVM for {@code config} on {@link #texts()}, with this JVM's
     * intra-op thread count, which the pipeline's services are given too. Computed once per config and JVM.
     */
    static SelfTrainingLoop.Outcome reference(ExperimentConfig config) {
        E2eEnvironment.torchThreads();
        Texts texts = texts();
        return REFERENCES.computeIfAbsent(config, c -> new SelfTrainingLoop(c, texts.train(), texts.heldout())
                .run(new SelfTrainingLoop.Listener() {
                    @Override
                    public void onGeneration(GenerationReport report) {
                    }

                    @Override
                    public void update(int generation, String phase, long done, long total) {
                    }
                }));
    }

    private static ExperimentConfig stretched(ExperimentConfig base) {
        SamplingSettings s = base.sampling();
        return base.withName("smoke-crashable")
                .withSelfTraining(base.selfTraining().withSteps(600))
                .withSampling(new SamplingSettings(8192, s.sequences(), s.temperature(), s.topK(), s.topP(),
                        s.prompt(), s.kvCache()));
    }

    private static byte[] prefix(Path file, int bytes) {
        try {
            byte[] all = Files.readAllBytes(file);
            return Arrays.copyOf(all, Math.min(bytes, all.length));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read real text " + file, e);
        }
    }
}
