package io.collapselab.service;

import io.collapselab.artifacts.ArtifactStoreException;
import io.collapselab.artifacts.DigestMismatchException;
import io.collapselab.artifacts.ObjectConflictException;
import io.collapselab.artifacts.ObjectNotFoundException;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.EventValidator;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunRequested;
import io.collapselab.events.json.EventCopies;
import io.collapselab.events.json.EventJson;
import io.collapselab.events.kafka.DecodedEvent;
import io.collapselab.events.kafka.EventRecords;
import io.collapselab.events.kafka.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Everything a service does with a consumed record before and after its own work, so that handlers stay a few
 * lines of {@code lm} and {@code artifacts}:
 * <ol>
 *   <li>records that are not valid events, or sit on the wrong topic, go to {@code collapse.dead-letter} with the
 *       reason (an invalid {@code RunRequested} also fails its run), and consuming goes on;</li>
 *   <li>events of other types that belong on the topic are left to whoever handles them, except that a
 *       {@code RunCompleted} no service recorded is dead-lettered (the run registry does not take it either);</li>
 *   <li>a copy of an event this process has already handled is dropped when it has the same content, and
 *       dead-lettered when it differs;</li>
 *   <li>the event's run is looked up; an event of a run the registry does not know yet is deferred without
 *       holding the channel (later events of that run on the channel wait behind it) and retried until its run is
 *       known or {@code collapse.run-wait-timeout} has passed, when it is dead-lettered; events of completed runs
 *       get no more work;</li>
 *   <li>the event is validated against its run's config, and against the run's {@linkplain RecordedLineage
 *       recorded lineage}: what no service recorded, or what contradicts the record, is dead-lettered without
 *       failing the run;</li>
 *   <li>the work runs; transient failures (S3 or Kafka unavailable) are retried with back-off until they pass,
 *       keeping the partition's order, while permanent ones (a missing or corrupt object, a digest mismatch, a
 *       config the model cannot run) dead-letter the event and fail the run with {@code RunCompleted(failed)}.</li>
 * </ol>
 * Anything else thrown (an {@link Error}, an interrupt) propagates, so the record is not acknowledged and the
 * connector's failure strategy marks the service unhealthy, to be restarted and handed the record again.
 */
@ApplicationScoped
public class EventIntake {

    /** The event type under which records that are not valid events are counted. */
    public static final String INVALID = "invalid";

    private static final Logger LOG = Logger.getLogger(EventIntake.class);

    /** The work a service does for one valid event of a run in progress. */
    @FunctionalInterface
    public interface Work<E extends CollapseEvent> {
        void handle(E event, Run run, ComputeTime compute);
    }

    private final RunRegistry registry;
    private final RecordedLineage lineage;
    private final ObjectOutbox outbox;
    private final EventPublisher publisher;
    private final ServiceIdentity identity;
    private final PipelineMetrics metrics;
    private final CollapseConfig config;
    private final ProcessedEvents processed;
    private final DeferredEvents deferred;
    private final KeptDeadLetters keptDeadLetters;

    EventIntake(RunRegistry registry, RecordedLineage lineage, ObjectOutbox outbox, EventPublisher publisher,
                ServiceIdentity identity, PipelineMetrics metrics, CollapseConfig config,
                KeptDeadLetters keptDeadLetters) {
        this.registry = registry;
        this.lineage = lineage;
        this.outbox = outbox;
        this.publisher = publisher;
        this.identity = identity;
        this.metrics = metrics;
        this.config = config;
        this.keptDeadLetters = keptDeadLetters;
        this.processed = new ProcessedEvents(config.processedEventsCapacity());
        this.deferred = new DeferredEvents(config.maxDeferredEvents(), config.deferredRetryInterval());
    }

    @PreDestroy
    void stopRetryingDeferred() {
        deferred.close();
    }

    /**
     * Handles one message consumed from {@code channel} with {@code work}, if it holds an event of {@code type},
     * and acknowledges it once handled. Call it from a {@code @Blocking} method with manual acknowledgement: it
     * retries and blocks on S3 and Kafka. An event whose run is not known yet is deferred instead: the returned
     * stage completes at once, so the channel goes on with the next record, and the message is acknowledged only
     * when the event has been handled or refused later (until then its offset is not committed, so a restart
     * consumes it again).
     */
    public <E extends CollapseEvent> CompletionStage<Void> process(
            String channel, Message<ConsumerRecord<String, DecodedEvent>> message, Class<E> type, Work<E> work)
            throws InterruptedException {
        ConsumerRecord<String, DecodedEvent> record = message.getPayload();
        Optional<CollapseEvent> admitted = admit(channel, record, type);
        if (admitted.isEmpty()) {
            return message.ack();
        }
        CollapseEvent event = admitted.get();
        Instant deadline = Instant.now().plus(config.runWaitTimeout());
        if (deferred.isWaiting(channel, event.runId()) || !handle(channel, record, event, type, work, deadline)) {
            if (deferred.defer(channel, event.runId(), message,
                    () -> handle(channel, record, event, type, work, deadline))) {
                metrics.deferred(channel);
                LOG.debugf("Deferring %s of run %s generation %d: the run is not known yet",
                        event.type().typeName(), event.runId(), event.generation());
                return CompletableFuture.completedFuture(null);
            }
            refuse(channel, record, EventJson.toBytes(event), "run " + event.runId() + " is unknown, and "
                    + config.maxDeferredEvents() + " events already wait for their runs"
                    + " (collapse.max-deferred-events)");
        }
        return message.ack();
    }

    /**
     * The steps before the run is looked up: the event of {@code type} in the record, or empty when the record
     * is refused, left alone or a copy of an event already handled.
     */
    private Optional<CollapseEvent> admit(String channel, ConsumerRecord<String, DecodedEvent> record,
                                          Class<? extends CollapseEvent> type) throws InterruptedException {
        DecodedEvent decoded = EventRecords.checked(record);
        if (decoded instanceof DecodedEvent.Invalid invalid) {
            metrics.consumed(channel, INVALID);
            refuse(channel, record, invalid.originalBytes(), invalid.reason());
            failInvalidRequest(record, invalid);
            return Optional.empty();
        }
        CollapseEvent event = ((DecodedEvent.Valid) decoded).event();
        String typeName = event.type().typeName();
        metrics.consumed(channel, typeName);
        String expectedTopic = Topics.topicFor(event);
        if (!expectedTopic.equals(record.topic())) {
            refuse(channel, record, EventJson.toBytes(event), typeName + " belongs on topic " + expectedTopic
                    + ", not on " + record.topic());
            return Optional.empty();
        }
        if (!type.isInstance(event)) {
            if (event instanceof RunCompleted completion) {
                refuseUnlessRecorded(channel, record, completion);
            }
            return Optional.empty();
        }
        Optional<CollapseEvent> handled = processed.handled(event.eventId());
        if (handled.isPresent()) {
            List<String> differences = EventCopies.differences(handled.get(), event);
            if (differences.isEmpty()) {
                metrics.deduplicated(channel);
                LOG.debugf("Dropping %s of run %s generation %d: already handled", typeName, event.runId(),
                        event.generation());
            } else {
                refuse(channel, record, EventJson.toBytes(event), typeName + "(" + event.generation() + ") of run "
                        + event.runId() + " differs from the copy of event " + event.eventId() + " handled before"
                        + " in " + String.join(", ", differences));
            }
            return Optional.empty();
        }
        metrics.deliveryLag(channel, Duration.between(event.occurredAt(), Instant.now()));
        return Optional.of(event);
    }

    /**
     * Looks the event's run up, validates the event and runs the work; false when the run is not known yet and
     * {@code deadline} has not passed, so the event is to be tried again later.
     */
    private <E extends CollapseEvent> boolean handle(String channel, ConsumerRecord<String, DecodedEvent> record,
                                                     CollapseEvent event, Class<E> type, Work<E> work,
                                                     Instant deadline) throws InterruptedException {
        long started = System.nanoTime();
        String typeName = event.type().typeName();
        if (!(event instanceof RunRequested) && !registry.isKnown(event.runId())) {
            if (Instant.now().isBefore(deadline)) {
                return false;
            }
            refuse(channel, record, EventJson.toBytes(event), "run " + event.runId() + " is unknown: no"
                    + " RunRequested for it on collapse.runs within " + config.runWaitTimeout().toSeconds() + " s"
                    + " (collapse.run-wait-timeout)");
            return true;
        }
        Optional<Run> run;
        try {
            run = event instanceof RunRequested request ? requestedRun(request) : registeredRun(event);
        } catch (Refusal refusal) {
            refuse(channel, record, EventJson.toBytes(event), refusal.getMessage());
            if (refusal.failsRun) {
                failRun(event.runId(), 0, refusal.getMessage(), null);
            }
            return true;
        }
        if (run.isEmpty()) {
            LOG.infof("Skipping %s of run %s generation %d: the run has completed", typeName, event.runId(),
                    event.generation());
            processed.add(event);
            return true;
        }
        List<String> problems = EventValidator.problems(event, run.get().request().config());
        if (!problems.isEmpty()) {
            refuse(channel, record, EventJson.toBytes(event), "invalid " + typeName + " for the config of run "
                    + event.runId() + ": " + String.join("; ", problems));
            return true;
        }
        Optional<String> misfit = misfit(event);
        if (misfit.isPresent()) {
            refuse(channel, record, EventJson.toBytes(event), misfit.get());
            return true;
        }

        ComputeTime compute = new ComputeTime();
        try {
            retryTransient(typeName + " of run " + event.runId() + " generation " + event.generation(),
                    () -> work.handle(type.cast(event), run.get(), compute));
        } catch (PermanentFailure failure) {
            String reason = "handling " + typeName + " of generation " + event.generation() + " failed: "
                    + failure.getMessage();
            LOG.errorf(failure.getCause(), "Run %s: %s", event.runId(), reason);
            refuse(channel, record, EventJson.toBytes(event), reason);
            failRun(event.runId(), event.generation(), reason,
                    event instanceof RunRequested ? null : event.generation());
            return true;
        }
        processed.add(event);
        metrics.handled(typeName, Duration.ofNanos(System.nanoTime() - started), compute.total());
        if (!registry.isCompleted(event.runId())) {
            metrics.generationReached(event.runId(), event.generation());
        }
        return true;
    }

    /** Why {@code event} does not fit its run's recorded lineage; empty when it does. */
    private Optional<String> misfit(CollapseEvent event) throws InterruptedException {
        RecordedLineage.Verdict verdict;
        try {
            verdict = retryTransient("checking " + event.type().typeName() + " of run " + event.runId()
                    + " against its recorded lineage", () -> lineage.check(event));
        } catch (PermanentFailure e) {
            return Optional.of("the recorded lineage of run " + event.runId() + " cannot be read: "
                    + e.getMessage());
        }
        return verdict instanceof RecordedLineage.Verdict.Fits ? Optional.empty() : Optional.of(verdict.reason());
    }

    /**
     * A {@code RunCompleted} is published only by a service, which records it first; one without that record, or
     * differing from it, ends no run (see {@link RunRegistry}) and is dead-lettered here, once, by the service
     * that consumes {@code collapse.runs} for its work.
     */
    private void refuseUnlessRecorded(String channel, ConsumerRecord<String, DecodedEvent> record,
                                      RunCompleted completion) throws InterruptedException {
        Optional<CollapseEvent> handled = processed.handled(completion.eventId());
        if (handled.isPresent() && EventCopies.differences(handled.get(), completion).isEmpty()) {
            metrics.deduplicated(channel);
            return;
        }
        Optional<String> misfit = misfit(completion);
        if (misfit.isPresent()) {
            refuse(channel, record, EventJson.toBytes(completion), misfit.get());
        } else {
            processed.add(completion);
        }
    }

    /** A request defines its run; it is refused when its config cannot run or its run id is taken. */
    private Optional<Run> requestedRun(RunRequested request) throws Refusal {
        String runId = request.runId();
        if (registry.isCompleted(runId)) {
            return Optional.empty();
        }
        Optional<RunRequested> known = registry.request(runId);
        if (known.isPresent() && !(known.get().config().equals(request.config())
                && known.get().inputs().equals(request.inputs()))) {
            throw new Refusal("run id " + runId + " was already requested with another config or other inputs;"
                    + " submit the new run under a new run id", false);
        }
        try {
            return Optional.of(Run.of(request));
        } catch (IllegalArgumentException e) {
            throw new Refusal(e.getMessage(), known.isEmpty());
        }
    }

    private Optional<Run> registeredRun(CollapseEvent event) throws Refusal {
        try {
            return registry.activeRun(event.runId());
        } catch (UnknownRunException e) {
            throw new Refusal(e.getMessage(), false);
        }
    }

    /**
     * A {@code RunRequested} that is not valid is answered with {@code RunCompleted(failed)}, so that whoever
     * submitted it learns why, unless its run id is unusable or already belongs to another run.
     */
    private void failInvalidRequest(ConsumerRecord<String, DecodedEvent> record, DecodedEvent.Invalid invalid)
            throws InterruptedException {
        if (!Topics.RUNS.equals(record.topic()) || invalid.originalBytes() == null) {
            return;
        }
        CollapseEvent parsed;
        try {
            parsed = EventJson.readEvent(invalid.originalBytes());
        } catch (RuntimeException notAnEvent) {
            return;
        }
        String runId = parsed.runId();
        if (parsed instanceof RunRequested && runId != null && EventValidator.RUN_ID.matcher(runId).matches()
                && registry.request(runId).isEmpty() && !registry.isCompleted(runId)) {
            failRun(runId, 0, invalid.reason(), null);
        }
    }

    private void failRun(String runId, int generation, String detail, Integer lastGeneration)
            throws InterruptedException {
        try {
            retryTransient("failing run " + runId, () -> outbox.publishOnce(runId, generation,
                    ObjectOutbox.RUN_COMPLETED_EVENT, () -> RunCompleted.of(runId, generation, Instant.now(),
                            identity.producer(), RunCompleted.Reason.FAILED, abbreviate(detail), lastGeneration)));
            LOG.warnf("Run %s failed: %s", runId, detail);
        } catch (PermanentFailure e) {
            LOG.errorf(e.getCause(), "Could not publish RunCompleted(failed) for run %s", runId);
        }
    }

    /**
     * Sends a record to the dead-letter topic; a dead letter the broker refuses is kept on disk and published
     * later ({@link KeptDeadLetters}).
     */
    private void refuse(String channel, ConsumerRecord<String, DecodedEvent> record, byte[] originalBytes,
                        String reason) throws InterruptedException {
        LOG.warnf("Dead-lettering the record at %s-%d@%d (key %s): %s", record.topic(), record.partition(),
                record.offset(), record.key(), reason);
        DeadLetter deadLetter = DeadLetter.of(abbreviate(reason), record.topic(), record.partition(),
                record.offset(), record.key(), originalBytes, identity.producer(), Instant.now());
        try {
            retryTransient("dead-lettering", () -> publisher.publish(deadLetter));
            metrics.deadLettered(channel);
        } catch (PermanentFailure e) {
            LOG.errorf(e.getCause(), "The broker refused the dead letter of %s-%d@%d", record.topic(),
                    record.partition(), record.offset());
            keptDeadLetters.keep(channel, deadLetter);
        }
    }

    private void retryTransient(String what, Runnable action) throws PermanentFailure, InterruptedException {
        retryTransient(what, () -> {
            action.run();
            return null;
        });
    }

    private <T> T retryTransient(String what, Supplier<T> action) throws PermanentFailure, InterruptedException {
        Duration backoff = config.retry().initialBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                return action.get();
            } catch (RuntimeException e) {
                if (!isTransient(e)) {
                    throw new PermanentFailure(e);
                }
                LOG.warnf("%s failed (attempt %d), retrying in %d ms: %s", what, attempt, backoff.toMillis(),
                        e.getMessage());
                metrics.workRetried(e instanceof PublishException ? "kafka" : "s3");
                Thread.sleep(backoff.toMillis());
                backoff = min(backoff.multipliedBy(2), config.retry().maxBackoff());
            }
        }
    }

    /**
     * Transient: the object store or the broker could not be reached (after the store's own retries). Objects
     * that are missing, differ from their digest or conflict with what is stored, and everything the language
     * model rejects, stay wrong however often they are retried.
     */
    static boolean isTransient(RuntimeException e) {
        if (e instanceof ObjectNotFoundException || e instanceof DigestMismatchException
                || e instanceof ObjectConflictException) {
            return false;
        }
        if (e instanceof PublishException publish) {
            return publish.isTransient();
        }
        return e instanceof ArtifactStoreException;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String abbreviate(String text) {
        return text.length() <= EventValidator.MAX_TEXT_CHARS
                ? text
                : text.substring(0, EventValidator.MAX_TEXT_CHARS - 1) + "…";
    }

    /** Why a record is refused, and whether that ends its run. */
    private static final class Refusal extends Exception {
        final boolean failsRun;

        Refusal(String reason, boolean failsRun) {
            super(reason);
            this.failsRun = failsRun;
        }
    }

    /** Work failed for a reason retrying cannot fix; the cause says which. */
    private static final class PermanentFailure extends Exception {
        PermanentFailure(RuntimeException cause) {
            super(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
        }
    }
}
