package io.collapselab.cli;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.artifacts.S3Settings;
import io.collapselab.artifacts.StoredObject;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.ModelSettings;
import io.collapselab.lm.loop.GenerationSteps;
import io.collapselab.lm.model.Checkpoint;
import io.collapselab.lm.model.GptConfig;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.tokenizer.Tokenizer;
import io.collapselab.lm.train.Trainer;
import io.collapselab.localstack.LocalStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code collapse bench checkpoint-io}: how fast a checkpoint moves between the engine's memory and the embedded S3
 * server, beside a plain copy of the same bytes on the same disk, the limit either could reach. The model has the
 * experiment's shapes (e.g. {@code --preset paper-gpt2 --init-from random:gpt2}) and one training step behind it,
 * so that its training state holds AdamW moments as a real generation's does.
 */
@Command(name = "checkpoint-io", mixinStandardHelpOptions = true,
        description = {"Measures checkpoint write and read throughput (MB/s) against the embedded S3 server: a "
                + "model of the experiment's shapes streamed from the engine into the store (digest pass and "
                + "multipart upload) and back into the engine (digest verified), beside a plain file copy of the "
                + "same bytes on the same disk.",
                "The figures go to standard output; they are only as good as the machine is quiet."})
final class CheckpointIoBenchCommand implements Callable<Integer> {

    private static final String RUN_ID = "bench-checkpoint-io";
    private static final double MB = 1e6;

    @Mixin
    ExperimentOptions experiment;

    @Mixin
    ThreadOptions threads;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Directory on the disk to measure, for the S3 server's data and the file copy "
                    + "(default: a temporary directory, deleted afterwards).")
    Path dir;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "2",
            description = "Timed writes and reads, each of both objects (default: ${DEFAULT-VALUE}).")
    int runs;

    /** Standard output; a test's stream in tests. */
    PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        if (runs < 1) {
            throw new UsageError("--runs must be at least 1, was " + runs);
        }
        threads.apply();
        ExperimentConfig config = experiment.resolve("paper-gpt2");
        ModelSettings m = config.model();
        if (m.startsPretrained()) {
            throw new UsageError("the checkpoint bench draws its weights: give --init-from random:<architecture> "
                    + "(e.g. random:gpt2) instead of a pretrained model");
        }
        if (ModelSettings.BPE_TOKENIZER.equals(m.tokenizer())) {
            throw new UsageError("the checkpoint bench needs no text: use a byte or gpt2 tokenizer, not bpe");
        }
        boolean temporary = dir == null;
        Path root = temporary ? Files.createTempDirectory("collapse-checkpoint-io-") : dir;
        try (LanguageModel model = trainedOnce(config)) {
            Figures figures = measure(model, root);
            print(config, model, figures);
        } finally {
            if (temporary) {
                deleteRecursively(root);
            }
        }
        return 0;
    }

    /** A model of the config's shapes after one training step, so that AdamW holds both moments of every weight. */
    private static LanguageModel trainedOnce(ExperimentConfig config) {
        ModelSettings m = config.model();
        Tokenizer tokenizer = GenerationSteps.tokenizer(m, new byte[0]);
        GptConfig gpt = new GptConfig(m.layers(), m.heads(), m.width(), m.contextLength(),
                tokenizer.vocabularySize(), m.dropout(), GptConfig.Activation.fromConfigName(m.activation()));
        LanguageModel model = LanguageModel.create(gpt, tokenizer, config.seed());
        Rng rng = new Rng(config.seed());
        int[] tokens = new int[(m.contextLength() + 1) * 4];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rng.nextInt(tokenizer.vocabularySize());
        }
        Trainer.beginPhase(model, config.seed(), false);
        Trainer.train(model, config.pretraining().withSteps(1), tokens, 1, null);
        return model;
    }

    private record Figures(long weightBytes, long stateBytes, double writeSeconds, double readSeconds,
                           double copySeconds) {
        long bytes() {
            return weightBytes + stateBytes;
        }
    }

    private Figures measure(LanguageModel model, Path root) throws IOException {
        Path plain = Files.createDirectories(root.resolve("plain"));
        Path weightsFile = plain.resolve("checkpoint.bin");
        Path stateFile = plain.resolve("training-state.bin");
        writeFile(weightsFile, out -> Checkpoint.writeWeights(model, out));
        writeFile(stateFile, out -> Checkpoint.writeTrainingState(model, out));
        double write = Double.MAX_VALUE;
        double read = Double.MAX_VALUE;
        double copy = Double.MAX_VALUE;
        long weightBytes = Files.size(weightsFile);
        long stateBytes = Files.size(stateFile);
        for (int run = 0; run < runs; run++) {
            Path stackDir = root.resolve("stack-" + run);
            try (LocalStack stack = LocalStack.builder().dataDir(stackDir).start();
                 ArtifactStore store = new ArtifactStore(new S3Settings(stack.s3Endpoint(), stack.s3AccessKey(),
                         stack.s3SecretKey(), stack.bucket(), stack.s3Region()))) {
                ObjectKey weightsKey = ObjectKey.checkpoint(RUN_ID, 0);
                ObjectKey stateKey = ObjectKey.trainingState(RUN_ID, 0);
                long started = System.nanoTime();
                StoredObject state = store.put(stateKey, out -> Checkpoint.writeTrainingState(model, out));
                StoredObject weights = store.put(weightsKey, out -> Checkpoint.writeWeights(model, out));
                write = Math.min(write, seconds(started));
                started = System.nanoTime();
                try (LanguageModel back = store.read(weightsKey, weights.sha256(), Checkpoint::read)) {
                    store.read(stateKey, state.sha256(), in -> {
                        Checkpoint.readTrainingState(back, in);
                        return back;
                    });
                    read = Math.min(read, seconds(started));
                }
            } finally {
                deleteRecursively(stackDir);
            }
            Path copies = Files.createDirectories(root.resolve("copy-" + run));
            long started = System.nanoTime();
            Files.copy(weightsFile, copies.resolve(weightsFile.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(stateFile, copies.resolve(stateFile.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            copy = Math.min(copy, seconds(started));
            deleteRecursively(copies);
        }
        return new Figures(weightBytes, stateBytes, write, read, copy);
    }

    private void print(ExperimentConfig config, LanguageModel model, Figures f) {
        long weights = model.gpt().weights().values().stream().mapToLong(w -> w.getShape().size()).sum();
        ModelSettings m = config.model();
        out.printf(Locale.ROOT, "checkpoint of %d layers, %d heads, width %d, context %d, vocabulary %d: "
                        + "%,d weights%n", m.layers(), m.heads(), m.width(), m.contextLength(),
                model.config().vocabularySize(), weights);
        out.printf(Locale.ROOT, "objects: weights %.1f MB + training state %.1f MB = %.1f MB (best of %d runs)%n",
                f.weightBytes() / MB, f.stateBytes() / MB, f.bytes() / MB, runs);
        double copy = f.bytes() / MB / f.copySeconds();
        out.printf(Locale.ROOT, "%-46s %8.2f s %9.1f MB/s%n", "plain file copy, same disk (the limit)",
                f.copySeconds(), copy);
        printRate("write: engine -> S3 (digest pass + upload)", f.writeSeconds(), f.bytes(), copy);
        printRate("read: S3 -> engine (digest verified)", f.readSeconds(), f.bytes(), copy);
    }

    private void printRate(String what, double seconds, long bytes, double copyRate) {
        double rate = bytes / MB / seconds;
        out.printf(Locale.ROOT, "%-46s %8.2f s %9.1f MB/s  %5.1f%% of the copy%n", what, seconds, rate,
                100 * rate / copyRate);
    }

    @FunctionalInterface
    private interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private static void writeFile(Path file, Writer writer) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            writer.writeTo(out);
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root + ": " + e.getMessage(), e);
        }
    }
}
