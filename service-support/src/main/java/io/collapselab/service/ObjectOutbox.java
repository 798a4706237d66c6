package io.collapselab.service;

import io.collapselab.artifacts.ObjectKey;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.json.EventJson;
import io.collapselab.events.kafka.EventSerializer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.annotation.PreDestroy;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
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
    public static final String CHECKPOINT_EVENT = ObjectKey.CHECKPOINT_EVENT;
    /** The generator's {@code CorpusGenerated} of a generation. */
    public static final String CORPUS_EVENT = ObjectKey.CORPUS_EVENT;
    /** The evaluator's {@code EvaluationCompleted} of a generation. */
    public static final String EVALUATION_EVENT = ObjectKey.EVALUATION_EVENT;
    /**
     * The {@code RunCompleted} that ended a run at a generation, whoever published it: one object per generation
     * means a run can end only one way there, even if two services end it at once.
     */
    public static final String RUN_COMPLETED_EVENT = ObjectKey.RUN_COMPLETED_EVENT;

    private static final EventSerializer SERIALIZER = new EventSerializer();

    private final GenerationFiles files;
    private final EventPublisher publisher;
    private final PipelineMetrics metrics;
    /** Looks recorded events up while handlers download their inputs; each lookup is one short S3 request. */
    private final ExecutorService lookups = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "outbox-lookup");
        thread.setDaemon(true);
        return thread;
    });

    ObjectOutbox(GenerationFiles files, EventPublisher publisher, PipelineMetrics metrics) {
        this.files = files;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    @PreDestroy
    void stopLookups() {
        lookups.shutdownNow();
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
        if (recorded.isPresent()) {
            return republish(recorded.get());
        }
        return recordAndPublish(runId, generation, name, compute.get());
    }

    /**
     * {@link #publishOnce(String, int, String, Supplier)} for work that first reads its inputs (downloads): they are
     * read while the recorded event is looked up, so that the common case, nothing recorded yet, waits for one
     * round trip to the store instead of two. When an event is recorded, the inputs are not used, and a failure
     * to read them does not matter.
     *
     * @param inputs reads what the work needs
     * @param compute does the work with those inputs (uploading its artifacts) and returns the event announcing it
     */
    public <I> CollapseEvent publishOnce(String runId, int generation, String name, Supplier<I> inputs,
                                         Function<I, ? extends CollapseEvent> compute) {
        CompletableFuture<Optional<CollapseEvent>> lookup =
                CompletableFuture.supplyAsync(() -> files.readEvent(runId, generation, name), lookups);
        I read;
        try {
            read = inputs.get();
        } catch (RuntimeException e) {
            Optional<CollapseEvent> recorded = recorded(lookup);
            if (recorded.isEmpty()) {
                throw e;
            }
            return republish(recorded.get());
        }
        Optional<CollapseEvent> recorded = recorded(lookup);
        if (recorded.isPresent()) {
            return republish(recorded.get());
        }
        return recordAndPublish(runId, generation, name, compute.apply(read));
    }

    private CollapseEvent recordAndPublish(String runId, int generation, String name, CollapseEvent computed) {
        // Validated before it is recorded: an invalid event must fail here, not on every redelivery.
        byte[] bytes = SERIALIZER.serialize(null, computed);
        byte[] stored = files.writeOnce(runId, generation, name, bytes);
        // Another replica may have recorded its event (same work, another timestamp) first; that one counts.
        CollapseEvent event = Arrays.equals(stored, bytes) ? computed : EventJson.readEvent(stored);
        publisher.publish(event);
        return event;
    }

    private CollapseEvent republish(CollapseEvent recorded) {
        metrics.republished(recorded.type().typeName());
        publisher.publish(recorded);
        return recorded;
    }

    /** The lookup's result, or the exception it failed with (so that callers can tell transient failures). */
    private static Optional<CollapseEvent> recorded(CompletableFuture<Optional<CollapseEvent>> lookup) {
        try {
            return lookup.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
