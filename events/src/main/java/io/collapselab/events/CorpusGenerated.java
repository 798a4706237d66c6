package io.collapselab.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.collapselab.experiment.CurationCounts;
import io.collapselab.experiment.SamplingSettings;
import java.time.Instant;

/**
 * The corpus of a generation is in the object store: {@code tokenCount} tokens sampled from the checkpoint with
 * digest {@code checkpointSha256}, with these sampling settings and this seed. {@code tokens} is the object beside
 * it holding the ids the corpus was decoded from (prompts included, 4 bytes big-endian each), which the decoded
 * text does not determine; null in a version 1 event, whose generator did not keep them. {@code curation}: how many
 * samples {@code sampling.curation} drew and what each of its rules dropped; absent where the run has no curation.
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
        long seed,
        @JsonInclude(JsonInclude.Include.NON_NULL) CurationCounts curation) implements CollapseEvent {

    /** An event of a corpus without curation. */
    public CorpusGenerated(String eventId, int schemaVersion, String runId, int generation, Instant occurredAt,
            ProducerInfo producer, ObjectRef corpus, ObjectRef tokens, long tokenCount, String checkpointSha256,
            SamplingSettings sampling, long seed) {
        this(eventId, schemaVersion, runId, generation, occurredAt, producer, corpus, tokens, tokenCount,
                checkpointSha256, sampling, seed, null);
    }

    public static CorpusGenerated of(String runId, int generation, Instant occurredAt, ProducerInfo producer,
            ObjectRef corpus, ObjectRef tokens, long tokenCount, String checkpointSha256, SamplingSettings sampling,
            long seed) {
        return of(runId, generation, occurredAt, producer, corpus, tokens, tokenCount, checkpointSha256, sampling,
                seed, null);
    }

    public static CorpusGenerated of(String runId, int generation, Instant occurredAt, ProducerInfo producer,
            ObjectRef corpus, ObjectRef tokens, long tokenCount, String checkpointSha256, SamplingSettings sampling,
            long seed, CurationCounts curation) {
        return new CorpusGenerated(EventIds.eventId(runId, EventType.CORPUS_GENERATED, generation),
                CURRENT_SCHEMA_VERSION, runId, generation, occurredAt, producer, corpus, tokens, tokenCount,
                checkpointSha256, sampling, seed, curation);
    }

    @Override
    public EventType type() {
        return EventType.CORPUS_GENERATED;
    }
}
