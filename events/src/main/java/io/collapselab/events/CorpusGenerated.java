package io.collapselab.events;

import io.collapselab.experiment.SamplingSettings;
import java.time.Instant;

/**
 * The corpus of a generation is in the object store: {@code tokenCount} tokens sampled from the checkpoint with
 * digest {@code checkpointSha256}, with these sampling settings and this seed. {@code tokens} is the object beside
 * it holding the ids the corpus was decoded from (prompts included, 4 bytes big-endian each), which the decoded
 * text does not determine; null in a version 1 event, whose generator did not keep them.
 */
public record CorpusGenerated(
        String eventId,
        int schemaVersion,
        String runId,
        int generation,
        Instant occurredAt,
        ProducerInfo producer,
        ObjectRef corpus,
        ObjectRef tokens,
        long tokenCount,
        String checkpointSha256,
        SamplingSettings sampling,
        long seed) implements CollapseEvent {

    public static CorpusGenerated of(String runId, int generation, Instant occurredAt, ProducerInfo producer,
            ObjectRef corpus, ObjectRef tokens, long tokenCount, String checkpointSha256, SamplingSettings sampling,
            long seed) {
        return new CorpusGenerated(EventIds.eventId(runId, EventType.CORPUS_GENERATED, generation),
                CURRENT_SCHEMA_VERSION, runId, generation, occurredAt, producer, corpus, tokens, tokenCount,
                checkpointSha256, sampling, seed);
    }

    @Override
    public EventType type() {
        return EventType.CORPUS_GENERATED;
    }
}
