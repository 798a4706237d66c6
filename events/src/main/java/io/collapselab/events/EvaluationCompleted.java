package io.collapselab.events;

import java.time.Instant;

/**
 * How far a generation has drifted. The held-out loss (nats per token) and perplexity are of the checkpoint on the
 * real held-out text; the text metrics are of the generation's corpus: distinct-n (distinct n-grams over all
 * n-grams), repetition rate, token entropy (bits), tail mass (share of the real text's rare-word tail) and the
 * length of the cycle the sample ends in (0 when it does not cycle). {@code collapsed} is the verdict of the run's
 * collapse policy.
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
        double distinct1,
        double distinct2,
        double distinct3,
        double repetition,
        double entropy,
        double tailMass,
        int cycleLength,
        String sampleExcerpt,
        boolean collapsed,
        String checkpointSha256,
        String corpusSha256) implements CollapseEvent {

    /** The measurements of one generation, grouped so that the factory's argument list stays readable. */
    public record Metrics(
            double heldoutLoss,
            double heldoutPerplexity,
            double distinct1,
            double distinct2,
            double distinct3,
            double repetition,
            double entropy,
            double tailMass,
            int cycleLength) {
    }

    public static EvaluationCompleted of(String runId, int generation, Instant occurredAt, ProducerInfo producer,
            Metrics metrics, String sampleExcerpt, boolean collapsed, String checkpointSha256, String corpusSha256) {
        return new EvaluationCompleted(EventIds.eventId(runId, EventType.EVALUATION_COMPLETED, generation),
                CURRENT_SCHEMA_VERSION, runId, generation, occurredAt, producer, metrics.heldoutLoss(),
                metrics.heldoutPerplexity(), metrics.distinct1(), metrics.distinct2(), metrics.distinct3(),
                metrics.repetition(), metrics.entropy(), metrics.tailMass(), metrics.cycleLength(), sampleExcerpt,
                collapsed, checkpointSha256, corpusSha256);
    }

    @Override
    public EventType type() {
        return EventType.EVALUATION_COMPLETED;
    }
}
