package io.collapselab.events;

import java.time.Instant;

/**
 * The checkpoint of a generation is in the object store, as two objects: {@code checkpoint}, the model's weights
 * (all that sampling and evaluation read), and {@code trainingState}, its optimizer state and training counters (what
 * only the next generation's training reads; null in a version 2 event, whose checkpoint holds both).
 * {@code parentCheckpointSha256} is the checkpoint it
 * continued from ({@code null} for generation 0, which starts from scratch); {@code trainedOnSha256} is the digest
 * of the text it was trained on: the corpus of the previous generation, or the real training text for generation 0.
 * {@code steps} and {@code tokensSeen} count this generation's training; {@code trainLoss} is its final training
 * loss; {@code wallMs} its wall-clock time.
 */
public record CheckpointPublished(
        String eventId,
        int schemaVersion,
        String runId,
        int generation,
        Instant occurredAt,
        ProducerInfo producer,
        ObjectRef checkpoint,
        ObjectRef trainingState,
        String parentCheckpointSha256,
        String trainedOnSha256,
        long steps,
        long tokensSeen,
        double trainLoss,
        long wallMs) implements CollapseEvent {

    public static CheckpointPublished of(String runId, int generation, Instant occurredAt, ProducerInfo producer,
            ObjectRef checkpoint, ObjectRef trainingState, String parentCheckpointSha256, String trainedOnSha256,
            long steps, long tokensSeen, double trainLoss, long wallMs) {
        return new CheckpointPublished(EventIds.eventId(runId, EventType.CHECKPOINT_PUBLISHED, generation),
                CURRENT_SCHEMA_VERSION, runId, generation, occurredAt, producer, checkpoint, trainingState,
                parentCheckpointSha256, trainedOnSha256, steps, tokensSeen, trainLoss, wallMs);
    }

    @Override
    public EventType type() {
        return EventType.CHECKPOINT_PUBLISHED;
    }
}
