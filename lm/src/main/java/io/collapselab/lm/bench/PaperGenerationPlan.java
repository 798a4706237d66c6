package io.collapselab.lm.bench;

/**
 * How much work the paper-generation benchmark does ({@link PaperGenerationBenchmark}).
 *
 * @param sampledTokens      tokens each sampling measurement generates after the one-token prompt: the paper's
 *                           1,024 by default, fewer for a quick look (the PyTorch reference samples as many)
 * @param samplingRuns       timed generations per sampling mode, after an untimed warm-up
 * @param trainingWarmup     untimed training steps first (the allocator and the JIT settle)
 * @param trainingSteps      timed training steps, each timed alone
 * @param bandwidthBytes     size of the array read to measure memory bandwidth: far larger than any cache
 * @param bandwidthRuns      timed reads of that array
 */
public record PaperGenerationPlan(int sampledTokens, int samplingRuns, int trainingWarmup, int trainingSteps,
                                  long bandwidthBytes, int bandwidthRuns) {

    /** One paper generation samples this many tokens. */
    public static final int PAPER_TOKENS = 1024;
    private static final int QUICK_TOKENS = 160;

    public PaperGenerationPlan {
        if (sampledTokens < 1 || samplingRuns < 1 || trainingWarmup < 0 || trainingSteps < 1
                || bandwidthBytes < (1 << 20) || bandwidthRuns < 1) {
            throw new IllegalArgumentException("invalid paper-generation plan: tokens " + sampledTokens
                    + ", sampling runs " + samplingRuns + ", training warm-up " + trainingWarmup + ", training steps "
                    + trainingSteps + ", bandwidth bytes " + bandwidthBytes + ", bandwidth runs " + bandwidthRuns);
        }
    }

    /**
     * The default plan samples a whole paper generation; {@code quick} samples 160 tokens, past the context of 100 so
     * that the two windows differ, which shows that everything works and still compares both sides on the same work,
     * at the cost of a rougher figure.
     *
     * @param sampledTokens tokens per sampling measurement, or 0 for the plan's default
     */
    public static PaperGenerationPlan of(boolean quick, int sampledTokens) {
        int tokens = sampledTokens > 0 ? sampledTokens : quick ? QUICK_TOKENS : PAPER_TOKENS;
        return quick
                ? new PaperGenerationPlan(tokens, 1, 1, 2, 256L << 20, 3)
                : new PaperGenerationPlan(tokens, 1, 3, 5, 1L << 30, 5);
    }
}
