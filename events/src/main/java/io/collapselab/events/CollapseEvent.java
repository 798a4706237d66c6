package io.collapselab.events;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * An event of the self-training loop. Every event names its run and generation; its {@link #eventId()} is derived
 * from exactly those and its type (see {@link EventIds}), so a redelivered or re-emitted event carries the same id
 * and consumers can deduplicate on it.
 *
 * <p>Implementations do not validate on construction: an event read from the wire must be representable even when
 * it is invalid, so that {@link EventValidator} can say precisely what is wrong with it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
public sealed interface CollapseEvent
        permits RunRequested, RunCompleted, CheckpointPublished, CorpusGenerated, EvaluationCompleted {

    /**
     * The schema version this code writes. Readers accept newer versions as long as they parse. 2 added:
     * <ul>
     *   <li>{@code sampling.window} to the run config and to {@code CorpusGenerated}'s sampling settings; a version 1
     *       event without it reads as the {@code fast} window it was sampled with;</li>
     *   <li>{@code model.activation}, {@code model.initFrom} and {@code inputs.baseModel} for runs that start from a
     *       pretrained model; absent in version 1: exact GELU, fresh weights;</li>
     *   <li>{@code evaluation.heldout}, {@code heldoutWindows} and {@code wholeTextEvery} to the run config; a version
     *       1 config reads as {@code whole}, every generation;</li>
     *   <li>{@code budget} and {@code epochs} to the config's {@code pretraining} and {@code selfTraining} (a
     *       version 1 event reads as {@code fixed-steps}, without epochs), the {@code accumulate-subsample}
     *       mixing policy, and {@code sampling.tokensPerGeneration} as text relative to the real training
     *       text ({@code "real-size"}, {@code "2x real-size"}) besides the number of tokens it always was;</li>
     *   <li>{@code CorpusGenerated.tokens}, the object holding the corpus's sampled ids, where trailing cycles are
     *       looked for;</li>
     *   <li>to {@code EvaluationCompleted}: {@code heldoutMethod}, {@code heldoutTokens}, {@code heldoutBitsPerByte},
     *       {@code heldoutWordPerplexity}, the {@code wholeText} figure ({@code wholeTextLoss},
     *       {@code wholeTextPerplexity}, {@code wholeTextBitsPerByte}, {@code wholeTextWordPerplexity},
     *       {@code wholeTextTokens}; null in generations without one) and {@code unseenWordShare}. Its tail mass no
     *       longer counts words the real text never has.</li>
     * </ul>
     * The event fields among them are null in a version 1 event. 3 added {@code CheckpointPublished.trainingState},
     * the object holding the optimizer state and training counters apart from the weights ({@code checkpoint});
     * a version 2 event names none, its checkpoint being one object of checkpoint format 1 or 2 that holds both.
     */
    int CURRENT_SCHEMA_VERSION = 3;

    String eventId();

    int schemaVersion();

    String runId();

    int generation();

    Instant occurredAt();

    ProducerInfo producer();

    EventType type();
}
