package io.collapselab.lm.loop;

/**
 * Everything measured about one generation: how its model trained, how it does on real held-out text, and what
 * its sampled corpus looks like. The same fields, under the same names, make up the per-generation entries of the
 * JSON that {@code collapse loop} and the distributed pipeline write.
 *
 * <p>{@code heldoutLoss} (nats per token) and {@code heldoutPerplexity} are the generation's held-out figure, by
 * {@code heldoutMethod} ({@code whole} or {@code windows}, see {@code EvaluationSettings}) over
 * {@code heldoutTokens} predicted tokens; {@code heldoutBitsPerByte} and {@code heldoutWordPerplexity} are the same
 * loss per byte and per word of the scored text, comparable across tokenizers. The {@code wholeText} fields are the
 * whole-text figure, null in a generation the schedule gives none. Fields that are objects are null, too, where a
 * run's events were written before they existed.
 */
public record GenerationReport(
        int generation,
        double trainLoss,
        double heldoutLoss,
        double heldoutPerplexity,
        String heldoutMethod,
        Long heldoutTokens,
        Double heldoutBitsPerByte,
        Double heldoutWordPerplexity,
        Double wholeTextLoss,
        Double wholeTextPerplexity,
        Double wholeTextBitsPerByte,
        Double wholeTextWordPerplexity,
        Long wholeTextTokens,
        double distinct1,
        double distinct2,
        double distinct3,
        double repetition,
        double entropy,
        double tailMass,
        Double unseenWordShare,
        int cycleLength,
        String checkpointSha256,
        String corpusSha256,
        String sampleExcerpt,
        long wallMs,
        boolean collapsed) {
}
