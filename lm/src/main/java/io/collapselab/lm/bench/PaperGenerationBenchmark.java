package io.collapselab.lm.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.collapselab.experiment.TrainingSettings;
import io.collapselab.lm.model.Gpt;
import io.collapselab.lm.model.GptConfig;
import io.collapselab.lm.model.GradMode;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.sample.SampleRequest;
import io.collapselab.lm.sample.Sampler;
import io.collapselab.lm.sample.SamplingWindow;
import io.collapselab.lm.tokenizer.Gpt2Tokenizer;
import io.collapselab.lm.train.Trainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The paper's generation at GPT-2 124M shapes, with random weights (speed does not depend on them): what one of
 * Herel & Mikolov's 5,000 generations costs here, and the figures that explain it.
 *
 * <ul>
 *   <li>Training: the loop's {@link Trainer} step at the paper's batch, one 100-token window, AdamW at the
 *       {@code paper-gpt2} preset's settings. The process's peak resident memory is read right after it, before
 *       any sampling, so it is the training step's.</li>
 *   <li>Sampling: the loop's {@link Sampler} at batch 1 from {@code "\n"}, top-k 200, with the KV cache, in the
 *       {@code exact} window (the paper's: past the context every token is a forward pass over the last 100) and in
 *       the {@code fast} one.</li>
 *   <li>Cached decoding within the context (every step one token through the cache), against the engine's read
 *       bandwidth over a 1 GiB array in the same process: batch-1 decoding reads every weight once per token, so
 *       the share of bandwidth it reaches says how close to the machine's limit it runs.</li>
 * </ul>
 *
 * <p>{@code bench/torch_reference.py --paper} runs the same generation as the paper's nanoGPT code does it. This is a
 * benchmark, not a test: it asserts nothing.
 */
public final class PaperGenerationBenchmark {

    /** GPT-2 124M as the paper runs it: its shape, cropped to a context of 100. */
    public static final GptConfig GPT2_PAPER_SHAPE = new GptConfig(12, 12, 768, 100, Gpt2Tokenizer.VOCABULARY_SIZE,
            0f, GptConfig.Activation.GELU_TANH);

    /** The paper-gpt2 preset's self-training step and sampling settings. */
    private static final int TRAINING_BATCH = 1;
    private static final double LEARNING_RATE = 4e-5;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.95;
    private static final double WEIGHT_DECAY = 0.1;
    private static final double GRADIENT_CLIP = 1.0;
    private static final double TEMPERATURE = 1.0;
    private static final int TOP_K = 200;
    private static final byte[] PROMPT = "\n".getBytes(StandardCharsets.US_ASCII);
    private static final int TRAINING_TEXT_TOKENS = 1 << 16;
    private static final int WARM_UP_TOKENS_PAST_CONTEXT = 8;
    private static final long INIT_SEED = 1;
    private static final long TEXT_SEED = 2;
    private static final long WINDOW_SEED = 3;
    private static final long SAMPLING_SEED = 4;

    private PaperGenerationBenchmark() {
    }

    /**
     * Measures {@code config} (the paper's {@link #GPT2_PAPER_SHAPE}, or a smaller shape over GPT-2's vocabulary)
     * with this process's engine; {@code progress} receives one line per finished measurement.
     */
    public static PaperGenerationResult run(GptConfig config, PaperGenerationPlan plan, Consumer<String> progress) {
        if (config.vocabularySize() != Gpt2Tokenizer.VOCABULARY_SIZE) {
            throw new IllegalArgumentException("the paper generation samples GPT-2's tokens: the model needs its "
                    + "vocabulary of " + Gpt2Tokenizer.VOCABULARY_SIZE + ", not " + config.vocabularySize());
        }
        String label = config.equals(GPT2_PAPER_SHAPE) ? "gpt2 (124M, random weights)"
                : String.format(Locale.ROOT, "%d/%d/%d/%d (random weights)", config.layers(), config.heads(),
                        config.width(), config.contextLength());
        try (LanguageModel model = LanguageModel.create(config, Gpt2Tokenizer.INSTANCE, INIT_SEED)) {
            String engine = "PyTorch " + Engine.getInstance().getVersion() + " via DJL " + Engine.getDjlVersion();
            int threads = JniUtils.getNumThreads();
            String prefix = String.format(Locale.ROOT, "%s, %d thread(s): ", label, threads);

            double stepSeconds = measureTrainingStep(model, plan);
            long peakResident = peakResidentBytes();
            progress.accept(prefix + String.format(Locale.ROOT, "training step %.2f s (median of %d), peak RSS %s",
                    stepSeconds, plan.trainingSteps(), peakResident < 0 ? "unknown" : mebibytes(peakResident)));

            double exact = measureSampling(model, plan, plan.sampledTokens(), SamplingWindow.EXACT);
            progress.accept(prefix + String.format(Locale.ROOT, "exact sampling %,.1f tok/s over %,d tokens", exact,
                    plan.sampledTokens()));
            double fast = measureSampling(model, plan, plan.sampledTokens(), SamplingWindow.FAST);
            progress.accept(prefix + String.format(Locale.ROOT, "fast sampling %,.1f tok/s (%.1fx exact)", fast,
                    fast / exact));
            double cached = measureSampling(model, plan, config.contextLength() - 1, SamplingWindow.FAST);
            double bandwidth = measureReadBandwidth(model.manager(), plan);
            long weightBytes = weightBytesPerCachedToken(config);
            progress.accept(prefix + String.format(Locale.ROOT, "cached batch-1 decoding %,.1f tok/s = %.2f GB/s of "
                            + "weights; read bandwidth %.2f GB/s (%.0f%%)", cached, cached * weightBytes / 1e9,
                    bandwidth / 1e9, 100 * cached * weightBytes / bandwidth));
            double generation = plan.sampledTokens() / exact + stepSeconds;
            return new PaperGenerationResult(label, config.parameterCount(), threads, engine, weightBytes,
                    plan.sampledTokens(), exact, fast, stepSeconds, generation, cached, bandwidth, peakResident);
        }
    }

    /**
     * Bytes of weights one cached decoding step reads, at 4 bytes a weight: all of them but the position embedding
     * (of which it reads one row); the token embedding counts once, as the head's matrix.
     */
    static long weightBytesPerCachedToken(GptConfig config) {
        long weights = 0;
        for (Map.Entry<String, Shape> entry : Gpt.weightShapes(config).entrySet()) {
            if (!entry.getKey().equals("wpe")) {
                weights += entry.getValue().size();
            }
        }
        return Float.BYTES * weights;
    }

    private static double measureTrainingStep(LanguageModel model, PaperGenerationPlan plan) {
        TrainingSettings settings = new TrainingSettings(Integer.MAX_VALUE, TRAINING_BATCH, LEARNING_RATE,
                LEARNING_RATE, TrainingSettings.CONSTANT, 0, BETA1, BETA2, WEIGHT_DECAY, GRADIENT_CLIP, true);
        int[] text = randomTokens(model.config().vocabularySize());
        Trainer.beginPhase(model, WINDOW_SEED, false);
        Trainer.train(model, settings, text, plan.trainingWarmup(), null);
        double[] seconds = new double[plan.trainingSteps()];
        for (int i = 0; i < seconds.length; i++) {
            long start = System.nanoTime();
            Trainer.train(model, settings, text, 1, null);
            seconds[i] = (System.nanoTime() - start) / 1e9;
        }
        return Benchmark.median(seconds);
    }

    /**
     * Tokens per second of batch-1 sampling of {@code tokens} tokens, after an untimed generation that reaches just
     * past the context, where every code path of the window has run: warm enough, at a fraction of the cost.
     */
    private static double measureSampling(LanguageModel model, PaperGenerationPlan plan, int tokens,
                                          SamplingWindow window) {
        int warmUpTokens = Math.min(tokens, model.config().contextLength() + WARM_UP_TOKENS_PAST_CONTEXT);
        Sampler.sample(model, request(warmUpTokens, window), null);
        SampleRequest request = request(tokens, window);
        double[] rates = new double[plan.samplingRuns()];
        for (int i = 0; i < rates.length; i++) {
            long start = System.nanoTime();
            Sampler.sample(model, request, null);
            rates[i] = tokens / ((System.nanoTime() - start) / 1e9);
        }
        return Benchmark.median(rates);
    }

    private static SampleRequest request(int tokens, SamplingWindow window) {
        return new SampleRequest(1, tokens, TEMPERATURE, TOP_K, 1.0, PROMPT, true, window, SAMPLING_SEED);
    }

    /** Bytes per second the engine reads when it sums an array far larger than the caches, with its own threads. */
    private static double measureReadBandwidth(NDManager parent, PaperGenerationPlan plan) {
        try (NDManager scope = parent.newSubManager(); GradMode off = GradMode.disabled()) {
            NDArray array = scope.ones(new Shape(plan.bandwidthBytes() / Float.BYTES));
            array.sum().getFloat();
            double[] rates = new double[plan.bandwidthRuns()];
            for (int i = 0; i < rates.length; i++) {
                long start = System.nanoTime();
                try (NDArray total = array.sum()) {
                    total.getFloat();
                }
                rates[i] = plan.bandwidthBytes() / ((System.nanoTime() - start) / 1e9);
            }
            return Benchmark.median(rates);
        }
    }

    private static int[] randomTokens(int vocabulary) {
        Rng rng = new Rng(TEXT_SEED);
        int[] tokens = new int[TRAINING_TEXT_TOKENS];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rng.nextInt(vocabulary);
        }
        return tokens;
    }

    /** The process's peak resident set ({@code VmHWM}), or -1 where /proc does not tell it. */
    static long peakResidentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String kilobytes = line.substring("VmHWM:".length()).replace("kB", "").trim();
                    return Long.parseLong(kilobytes) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
    }
}
