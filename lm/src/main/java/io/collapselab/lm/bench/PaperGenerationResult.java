package io.collapselab.lm.bench;

/**
 * What {@link PaperGenerationBenchmark} measured in one process at {@code threads} intra-op threads.
 *
 * @param parameters               trainable scalars of the model (the head shares the token embedding)
 * @param weightBytesPerToken      bytes of weights a cached decoding step reads: every weight once, the token
 *                                 embedding as the head's matrix, the position embedding not at all (one row)
 * @param sampledTokens            tokens each sampling measurement generated
 * @param exactTokensPerSecond     sampling with the {@code exact} window (every token a forward pass over the last
 *                                 context-length tokens, as the paper's nanoGPT loop does), median of the runs
 * @param fastTokensPerSecond      the same tokens with the {@code fast} window and the KV cache
 * @param trainingStepSeconds      one step at the paper's batch (1 window of context length), median
 * @param generationSeconds        one paper generation: {@code sampledTokens} exact tokens plus one training step
 * @param cachedTokensPerSecond    batch-1 decoding with the KV cache within the context: every step one token
 * @param memoryBandwidthBytesPerSecond read bandwidth of this process's engine over an array far larger than any
 *                                 cache, measured in the same process, median
 * @param peakResidentBytesAfterTraining the process's peak resident memory after its training steps and before it
 *                                 samples: model, optimizer state and one step's activations; -1 where the system
 *                                 does not tell
 */
public record PaperGenerationResult(
        String model,
        long parameters,
        int threads,
        String engine,
        long weightBytesPerToken,
        int sampledTokens,
        double exactTokensPerSecond,
        double fastTokensPerSecond,
        double trainingStepSeconds,
        double generationSeconds,
        double cachedTokensPerSecond,
        double memoryBandwidthBytesPerSecond,
        long peakResidentBytesAfterTraining) {

    /** How many times faster {@code fast} samples than {@code exact}. */
    public double fastOverExact() {
        return fastTokensPerSecond / exactTokensPerSecond;
    }

    /** Weight bytes read per second by cached batch-1 decoding, as a share of the measured memory bandwidth. */
    public double cachedBandwidthShare() {
        return cachedTokensPerSecond * weightBytesPerToken / memoryBandwidthBytesPerSecond;
    }
}
