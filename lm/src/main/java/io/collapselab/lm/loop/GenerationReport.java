package io.collapselab.lm.loop;

/**
 * Everything measured about one generation: how its model trained, how it does on real held-out text, and what
 * its sampled corpus looks like. The same fields, under the same names, make up the per-generation entries of the
 * JSON that {@code collapse loop} and the distributed pipeline write.
 */
public record GenerationReport(
        int generation,
        double trainLoss,
        double heldoutLoss,
        double heldoutPerplexity,
        double distinct1,
        double distinct2,
        double distinct3,
        double repetition,
        double entropy,
        double tailMass,
        int cycleLength,
        String checkpointSha256,
        String corpusSha256,
        String sampleExcerpt,
        long wallMs,
        boolean collapsed) {
}
