package io.collapselab.events;

import java.time.Instant;

/**
 * How far a generation has drifted.
 *
 * <p>Held-out figures, of the checkpoint on the real held-out text: {@code heldoutLoss} (nats per token) and
 * {@code heldoutPerplexity} are the generation's figure, by {@code heldoutMethod} ({@code whole}: the whole
 * held-out text; {@code windows}: the mean over random windows of the context length, as the paper estimates it)
 * over {@code heldoutTokens} predicted tokens. {@code heldoutBitsPerByte} (total loss in bits over the bytes of the
 * scored text) and {@code heldoutWordPerplexity} (e^(total loss / words of the scored text)) are the same figure in
 * units every tokenizer shares; the scored text of the window estimate is each window's predicted tokens, decoded
 * window by window. The {@code wholeText} fields are the whole-text figure in the same units, null in a generation
 * the run's schedule gives none ({@code evaluation.wholeTextEvery}); under {@code whole} they repeat the
 * generation's figure. A word perplexity is null where the scored text has no words.
 *
 * <p>Text metrics, of the generation's corpus: distinct-n (distinct n-grams over all n-grams), repetition rate,
 * word entropy (bits), tail mass (share of words in the real text's rarest frequency classes), unseen-word share
 * (share of words the real text never has) and the length of the cycle the sampled ids end in (0 when they do not
 * cycle). {@code collapsed} is the verdict of the run's collapse policy.
 *
 * <p>The fields that are objects rather than numbers came with schema version 2: null in a version 1 event.
 */
public record EvaluationCompleted(
        String eventId,
        int schemaVersion,
        String runId,
        int generation,
        Instant occurredAt,
        ProducerInfo producer,
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
        String sampleExcerpt,
        boolean collapsed,
        String checkpointSha256,
        String corpusSha256) implements CollapseEvent {

    /** The measurements of one generation, grouped so that the factory's argument list stays readable. */
    public record Metrics(
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
            int cycleLength) {
    }

    public static EvaluationCompleted of(String runId, int generation, Instant occurredAt, ProducerInfo producer,
            Metrics metrics, String sampleExcerpt, boolean collapsed, String checkpointSha256, String corpusSha256) {
        return new EvaluationCompleted(EventIds.eventId(runId, EventType.EVALUATION_COMPLETED, generation),
                CURRENT_SCHEMA_VERSION, runId, generation, occurredAt, producer, metrics.heldoutLoss(),
                metrics.heldoutPerplexity(), metrics.heldoutMethod(), metrics.heldoutTokens(),
                metrics.heldoutBitsPerByte(), metrics.heldoutWordPerplexity(), metrics.wholeTextLoss(),
                metrics.wholeTextPerplexity(), metrics.wholeTextBitsPerByte(), metrics.wholeTextWordPerplexity(),
                metrics.wholeTextTokens(), metrics.distinct1(), metrics.distinct2(), metrics.distinct3(),
                metrics.repetition(), metrics.entropy(), metrics.tailMass(), metrics.unseenWordShare(),
                metrics.cycleLength(), sampleExcerpt, collapsed, checkpointSha256, corpusSha256);
    }

    @Override
    public EventType type() {
        return EventType.EVALUATION_COMPLETED;
    }
}
