package io.collapselab.service;

import io.collapselab.events.CollapseEvent;
import io.collapselab.events.json.EventJson;
import io.collapselab.events.kafka.EventSerializer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The outbox rule for objects, made restart-safe: before an event is published, its JSON is written as an object
 * next to the generation's artifacts ({@code runs/<runId>/gen-NNNN/<name>.json}). Whoever handles the same work
 * again (a redelivery, a restarted replica, a replica that took over the partition) finds that object and
 * publishes it verbatim instead of recomputing. So a generation is trained or sampled at most once per outcome,
 * the artifacts are never rewritten with different bytes, and a crash between upload and publish is repaired by
 * the redelivery that follows it: the event is published then.
 *
 * <p>A crash after the artifact upload but before the event object is written leaves no event object; the
 * redelivery recomputes, which (the steps being deterministic) yields the same artifact, so its upload is a no-op.
 */
@ApplicationScoped
public class ObjectOutbox {

    /** The trainer's {@code CheckpointPublished} of a generation. */
    public static final String CHECKPOINT_EVENT = "checkpoint-event.json";
    /** The generator's {@code CorpusGenerated} of a generation. */
    public static final String CORPUS_EVENT = "corpus-event.json";
    /** The evaluator's {@code EvaluationCompleted} of a generation. */
    public static final String EVALUATION_EVENT = "evaluation-event.json";
    /**
     * The {@code RunCompleted} that ended a run at a generation, whoever published it: one object per generation
     * means a run can end only one way there, even if two services end it at once.
     */
    public static final String RUN_COMPLETED_EVENT = "run-completed-event.json";

    private static final EventSerializer SERIALIZER = new EventSerializer();

    private final GenerationFiles files;
    private final EventPublisher publisher;
    private final PipelineMetrics metrics;

    ObjectOutbox(GenerationFiles files, EventPublisher publisher, PipelineMetrics metrics) {
        this.files = files;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /**
     * Publishes the event recorded under {@code name} for this generation, or, when there is none yet, computes
     * it, records it and publishes it.
     *
     * @param compute does the work (uploading its artifacts) and returns the event announcing it
     * @return the event published
     */
    public CollapseEvent publishOnce(String runId, int generation, String name,
                                     Supplier<? extends CollapseEvent> compute) {
        Optional<CollapseEvent> recorded = files.readEvent(runId, generation, name);
        CollapseEvent event;
        if (recorded.isPresent()) {
            event = recorded.get();
            metrics.republished(event.type().typeName());
        } else {
            CollapseEvent computed = compute.get();
            // Validated before it is recorded: an invalid event must fail here, not on every redelivery.
            byte[] bytes = SERIALIZER.serialize(null, computed);
            byte[] stored = files.writeOnce(runId, generation, name, bytes);
            // Another replica may have recorded its event (same work, another timestamp) first; that one counts.
            event = Arrays.equals(stored, bytes) ? computed : EventJson.readEvent(stored);
        }
        publisher.publish(event);
        return event;
    }
}
