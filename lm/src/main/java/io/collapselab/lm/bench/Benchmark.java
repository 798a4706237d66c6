package io.collapselab.lm.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.collapselab.experiment.TrainingSettings;
import io.collapselab.lm.bench.BenchmarkResult.MatrixProductSpeed;
import io.collapselab.lm.bench.BenchmarkResult.SamplingSpeed;
import io.collapselab.lm.bench.BenchmarkResult.TrainingSpeed;
import io.collapselab.lm.model.GptConfig;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.sample.SampleRequest;
import io.collapselab.lm.sample.Sampler;
import io.collapselab.lm.sample.SamplingWindow;
import io.collapselab.lm.tokenizer.ByteTokenizer;
import io.collapselab.lm.tokenizer.Tokenizer;
import io.collapselab.lm.train.Trainer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Throughput of training and sampling for one model size, with whatever intra-op thread count the engine of this
 * process has (it is fixed when the engine starts, so comparing thread counts takes one process each).
 *
 * <p>Training is the loop's own {@link Trainer} on a randomly initialised byte-level model, batch
 * {@value #BATCH_SIZE}, with AdamW configured as the presets do; {@code bench/torch_reference.py} repeats the same
 * step in Python with the same constants. Both also time the step's forward matrix products alone
 * ({@link MatrixProducts}), which shows how much of a difference between them is the BLAS each engine links.
 * Sampling is the loop's {@link Sampler} at batch 1 and {@value #BATCH_SIZE}, with and without the KV cache, each
 * sequence generating context-length tokens after a one-token prompt: that stays within the context window, so the
 * cached runs never rebuild their cache and measure the cache at its best, while the uncached runs pay for ever
 * longer prefixes, as they do in the loop.
 *
 * <p>Everything is timed with {@link System#nanoTime()} after a warm-up (the first steps and the first generation
 * are several times slower while PyTorch sizes its allocator and the JIT compiles the Java side), and each speed
 * is the median of the timed repetitions. This is a benchmark, not a test: it asserts nothing.
 */
public final class Benchmark {

    public static final int BATCH_SIZE = 16;

    /** AdamW as the presets configure it (the paper preset's learning rate); the Python reference uses the same. */
    private static final double LEARNING_RATE = 1e-3;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.95;
    private static final double WEIGHT_DECAY = 0.1;
    private static final double GRADIENT_CLIP = 1.0;
    /** A top-k filter as the presets use: it sorts the candidates in Java, which is part of a token's cost. */
    private static final double TEMPERATURE = 1.0;
    private static final int TOP_K = 40;
    private static final int[] SAMPLING_BATCHES = {1, BATCH_SIZE};
    private static final byte[] PROMPT = "\n".getBytes(StandardCharsets.US_ASCII);
    private static final long INIT_SEED = 1;
    private static final long WINDOW_SEED = 2;
    private static final long SAMPLING_SEED = 3;

    private Benchmark() {
    }

    /**
     * Measures one model size.
     *
     * @param text     training text (any bytes: a step costs the same whatever the tokens are), at least context
     *                 length + 1 bytes
     * @param progress receives one line per finished measurement
     */
    public static BenchmarkResult run(ModelSize size, BenchmarkPlan plan, byte[] text, Consumer<String> progress) {
        Tokenizer tokenizer = ByteTokenizer.INSTANCE;
        GptConfig config = size.config(tokenizer.vocabularySize());
        int[] tokens = tokenizer.encode(text);
        try (LanguageModel model = LanguageModel.create(config, tokenizer, INIT_SEED)) {
            String engine = "PyTorch " + Engine.getInstance().getVersion() + " via DJL " + Engine.getDjlVersion();
            int threads = JniUtils.getNumThreads();
            TrainingSpeed training = measureTraining(model, plan, tokens);
            progress.accept(String.format(Locale.ROOT, "%s, %d thread(s): training %,.0f tok/s (median of %d)",
                    size.label(), threads, training.tokensPerSecond(), training.repetitions()));
            MatrixProductSpeed products = measureMatrixProducts(model, plan);
            progress.accept(String.format(Locale.ROOT, "%s, %d thread(s): matrix products %,.1f GFLOP/s (median of %d)",
                    size.label(), threads, products.gflopsPerSecond(), products.repetitions()));
            List<SamplingSpeed> sampling = new ArrayList<>();
            for (int sequences : SAMPLING_BATCHES) {
                for (boolean kvCache : new boolean[] {false, true}) {
                    SamplingSpeed speed = measureSampling(model, plan, sequences, kvCache);
                    sampling.add(speed);
                    progress.accept(String.format(Locale.ROOT,
                            "%s, %d thread(s): sampling batch %d, KV cache %s: %,.0f tok/s (median of %d)",
                            size.label(), threads, sequences, kvCache ? "on" : "off", speed.tokensPerSecond(),
                            speed.repetitions()));
                }
            }
            return new BenchmarkResult(size, config.parameterCount(), threads, engine, training, products,
                    sampling);
        }
    }

    /**
     * Deterministic stand-in for real text: uniformly random bytes. The cost of a training step does not depend on
     * which tokens it sees, so this measures the same thing as text, without needing a download.
     */
    public static byte[] syntheticText(int length, long seed) {
        Rng rng = new Rng(seed);
        byte[] text = new byte[length];
        for (int i = 0; i < length; i++) {
            text[i] = (byte) rng.nextInt(256);
        }
        return text;
    }

    private static TrainingSpeed measureTraining(LanguageModel model, BenchmarkPlan plan, int[] tokens) {
        // A constant schedule with an unreachable step limit: the phase never ends while the benchmark runs it.
        TrainingSettings settings = new TrainingSettings(Integer.MAX_VALUE, BATCH_SIZE, LEARNING_RATE, LEARNING_RATE,
                TrainingSettings.CONSTANT, 0, BETA1, BETA2, WEIGHT_DECAY, GRADIENT_CLIP, false);
        Trainer.beginPhase(model, WINDOW_SEED, false);
        int warmed = warmUp(plan, () -> Trainer.train(model, settings, tokens, 1, null));
        double tokensPerRun = (double) BATCH_SIZE * model.config().contextLength() * plan.stepsPerRepetition();
        double[] rates = timed(plan, tokensPerRun,
                () -> Trainer.train(model, settings, tokens, plan.stepsPerRepetition(), null));
        return new TrainingSpeed(BATCH_SIZE, warmed, plan.stepsPerRepetition(), rates.length,
                median(rates));
    }

    /** A training step is about three forward passes of work; as many passes make a run as long as training's. */
    private static MatrixProductSpeed measureMatrixProducts(LanguageModel model, BenchmarkPlan plan) {
        int passes = 3 * plan.stepsPerRepetition();
        try (MatrixProducts products = new MatrixProducts(model.manager(), model.config(), BATCH_SIZE)) {
            warmUp(plan, products::runPass);
            double[] rates = timed(plan, products.flopsPerPass() * passes / 1e9, () -> {
                for (int i = 0; i < passes; i++) {
                    products.runPass();
                }
            });
            return new MatrixProductSpeed(passes, rates.length, median(rates));
        }
    }

    private static SamplingSpeed measureSampling(LanguageModel model, BenchmarkPlan plan, int sequences,
                                                 boolean kvCache) {
        int newTokens = model.config().contextLength();
        SampleRequest timedRequest = request(sequences, newTokens, kvCache);
        warmUp(plan, () -> Sampler.sample(model, timedRequest, null));
        double[] rates = timed(plan, (double) sequences * newTokens, () -> Sampler.sample(model, timedRequest, null));
        return new SamplingSpeed(sequences, kvCache, newTokens, rates.length, median(rates));
    }

    private static SampleRequest request(int sequences, int newTokens, boolean kvCache) {
        return new SampleRequest(sequences, newTokens, TEMPERATURE, TOP_K, 1.0, PROMPT, kvCache, SamplingWindow.FAST,
                SAMPLING_SEED);
    }

    /**
     * Runs {@code step} untimed until both the plan's warm-up steps and its warm-up seconds are done, or its time cap
     * is reached; at least once.
     *
     * @return the number of steps run
     */
    private static int warmUp(BenchmarkPlan plan, Runnable step) {
        long start = System.nanoTime();
        long warmEnough = start + (long) (plan.warmupSeconds() * 1e9);
        long cap = start + (long) (plan.maxSecondsPerMeasurement() * 1e9);
        int steps = 0;
        do {
            step.run();
            steps++;
        } while ((steps < plan.warmupSteps() || System.nanoTime() - warmEnough < 0) && System.nanoTime() - cap < 0);
        return steps;
    }

    /**
     * Runs {@code run} up to the plan's repetitions, stopping early once the timed runs add up to the plan's time
     * cap, and returns each run's rate: {@code unitsPerRun} per second.
     */
    private static double[] timed(BenchmarkPlan plan, double unitsPerRun, Runnable run) {
        double[] rates = new double[plan.repetitions()];
        double totalSeconds = 0;
        int done = 0;
        while (done < plan.repetitions() && totalSeconds < plan.maxSecondsPerMeasurement()) {
            long start = System.nanoTime();
            run.run();
            double seconds = (System.nanoTime() - start) / 1e9;
            rates[done++] = unitsPerRun / seconds;
            totalSeconds += seconds;
        }
        return Arrays.copyOf(rates, done);
    }

    /** The median of {@code values}, which are not changed. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
