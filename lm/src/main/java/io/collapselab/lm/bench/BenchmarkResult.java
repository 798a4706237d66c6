package io.collapselab.lm.bench;

import java.util.List;

/**
 * Speeds measured for one model size in one process: {@code threads} is the engine's intra-op thread count as the
 * engine reports it (not as requested), {@code engine} names the native library that did the work.
 */
public record BenchmarkResult(
        ModelSize size,
        long parameters,
        int threads,
        String engine,
        TrainingSpeed training,
        MatrixProductSpeed matrixProducts,
        List<SamplingSpeed> sampling) {

    /** Training tokens per second: batch x context x steps / seconds, median of {@code repetitions} timed runs. */
    public record TrainingSpeed(int batchSize, int warmupSteps, int stepsPerRepetition, int repetitions,
                                double tokensPerSecond) {
    }

    /**
     * Speed of the matrix products of one training step's forward pass, timed alone (the BLAS the engine links):
     * GFLOP/s, median of {@code repetitions} timed runs of {@code passesPerRepetition} passes.
     */
    public record MatrixProductSpeed(int passesPerRepetition, int repetitions, double gflopsPerSecond) {
    }

    /**
     * Sampled tokens per second over all {@code sequences} of a batch, each generating {@code newTokens} tokens
     * after a one-token prompt; median of {@code repetitions} generations.
     */
    public record SamplingSpeed(int sequences, boolean kvCache, int newTokens, int repetitions,
                                double tokensPerSecond) {
    }

    /** Tokens per second of the sampling configuration, NaN when it was not measured. */
    public double samplingSpeed(int sequences, boolean kvCache) {
        return sampling.stream()
                .filter(s -> s.sequences() == sequences && s.kvCache() == kvCache)
                .mapToDouble(SamplingSpeed::tokensPerSecond)
                .findFirst()
                .orElse(Double.NaN);
    }
}
