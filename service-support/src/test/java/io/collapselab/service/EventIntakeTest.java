package io.collapselab.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.artifacts.ArtifactStoreException;
import io.collapselab.artifacts.DigestMismatchException;
import io.collapselab.artifacts.ObjectConflictException;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.artifacts.ObjectNotFoundException;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.ProducerInfo;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunRequested;
import io.collapselab.events.kafka.DecodedEvent;
import io.collapselab.events.kafka.EventRecords;
import io.collapselab.events.kafka.Topics;
import io.collapselab.service.testing.ConsumedRecords;
import io.collapselab.service.testing.TestRuns;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the intake retries, and what it refuses before any service's work and that it takes the next record
 * afterwards: checked once here for all three services, whose refusal tests add only what their own work refuses.
 * The intake is wired as in a service, but without Quarkus: its publisher keeps what it sends, and its outbox fails
 * the test if a refusal ends a run.
 */
class EventIntakeTest {

    private static final ObjectKey KEY = ObjectKey.corpus("r1", 0);

    /** Signs the dead letters, as a service's quarkus.application.name does. */
    private static final String SERVICE = "intake-test";
    private static final String WORK_CHANNEL = "work";
    private static final String SOME_SHA256 = "c".repeat(64);
    /** collapse.s3.bucket's default. */
    private static final String BUCKET = "collapse";
    private static final ProducerInfo SOME_INSTANCE = new ProducerInfo("cli", "another-host", "0.1.0");

    /** Where the intake keeps the dead letters the broker refuses. */
    @TempDir
    static Path keptDir;

    /**
     * The defaults, but a short wait for unknown runs, tried often, a short back-off, and dead letters kept in a
     * test directory; no test here reaches the object store.
     */
    private final CollapseConfig config = new SmallRyeConfigBuilder()
            .withMapping(CollapseConfig.class)
            .withDefaultValues(Map.of(
                    "collapse.run-wait-timeout", "PT1S",
                    "collapse.deferred-retry-interval", "PT0.05S",
                    "collapse.retry.initial-backoff", "PT0.01S",
                    "collapse.dead-letter-dir", keptDir.toString(),
                    "collapse.s3.endpoint", "http://object-store.invalid",
                    "collapse.s3.access-key", "unused",
                    "collapse.s3.secret-key", "unused"))
            .build()
            .getConfigMapping(CollapseConfig.class);

    private final RecordingEmitter emitter = new RecordingEmitter();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PipelineMetrics metrics = new PipelineMetrics(meters);
    private final RecordedEvents recorded = new RecordedEvents();
    private final RecordedLineage lineage = new RecordedLineage(recorded);
    private final RunRegistry registry = new RunRegistry(metrics, lineage);
    private final EventPublisher publisher = new EventPublisher(emitter);
    private final ServiceIdentity identity = new ServiceIdentity(SERVICE, "0.1.0", config);
    private final KeptDeadLetters kept = new KeptDeadLetters(publisher, metrics, config, identity);
    private final EventIntake intake = new EventIntake(registry, lineage, new OutboxOfNoRunEnd(publisher, metrics),
            publisher, identity, metrics, config, kept);
    private final List<String> workedRuns = new ArrayList<>();

    @Test
    void retriesWhatAnUnreachableStoreOrBrokerCaused() {
        assertTrue(EventIntake.isTransient(new ArtifactStoreException("S3 get failed after 5 attempts")));
        assertTrue(EventIntake.isTransient(new PublishException("no broker", new IllegalStateException("timeout"))));
        assertTrue(EventIntake.isTransient(new PublishException("not enough replicas",
                new NotEnoughReplicasException("min.insync.replicas"))));
    }

    @Test
    void doesNotRetryWhatStaysWrong() {
        assertFalse(EventIntake.isTransient(new ObjectNotFoundException(KEY, "collapse", "http://s3")));
        assertFalse(EventIntake.isTransient(new DigestMismatchException(KEY, "collapse", "a".repeat(64),
                "b".repeat(64))));
        assertFalse(EventIntake.isTransient(new ObjectConflictException(KEY, "collapse", "a".repeat(64),
                "b".repeat(64))));
        assertFalse(EventIntake.isTransient(new PublishException("too large",
                new RecordTooLargeException("1 MB"))));
        assertFalse(EventIntake.isTransient(new IllegalArgumentException("corrupt checkpoint")));
    }

    @Test
    void workThatMetAnUnreachableStoreIsTriedAgainInPlaceAndCounted() throws InterruptedException {
        RunRequested request = request("outage");
        AtomicInteger attempts = new AtomicInteger();

        CompletionStage<Void> done = intake.process(WORK_CHANNEL, Message.of(ConsumedRecords.of(request)),
                RunRequested.class, (event, run, compute) -> {
                    if (attempts.incrementAndGet() <= 2) {
                        throw new ArtifactStoreException("S3 put at http://s3 failed after 5 attempts:"
                                + " InternalError (HTTP 500): An internal error occurred. Try again.");
                    }
                    workedRuns.add(run.runId());
                });

        assertTrue(done.toCompletableFuture().isDone());
        assertEquals(List.of("outage"), workedRuns, "done once, on the third attempt");
        assertEquals(2.0, meters.counter("collapse.work.retried", "unreachable", "s3").count());
        assertEquals(List.of(), emitter.published().deadLetters(), "a transient failure refuses nothing");
        assertEquals(List.of(), emitter.published().events(CollapseEvent.class, "outage"), "nor ends the run");
    }

    @Test
    void bytesThatAreNoJsonAreDeadLetteredAndConsumingGoesOn() throws InterruptedException {
        DeadLetter deadLetter = assertRefusedAndConsumingGoesOn(Topics.RUNS, "not-json",
                "{not json".getBytes(StandardCharsets.UTF_8));

        assertTrue(deadLetter.reason().startsWith("not valid JSON"), deadLetter.reason());
    }

    @Test
    void jsonThatIsNoObjectIsDeadLetteredAndConsumingGoesOn() throws InterruptedException {
        DeadLetter deadLetter = assertRefusedAndConsumingGoesOn(Topics.CHECKPOINTS, "array",
                "[1, 2, 3]".getBytes(StandardCharsets.UTF_8));

        assertEquals("expected a JSON object, found array", deadLetter.reason());
    }

    @Test
    void bytesThatAreNoTextAreDeadLetteredAndConsumingGoesOn() throws InterruptedException {
        assertRefusedAndConsumingGoesOn(Topics.CORPORA, "not-text", new byte[] {(byte) 0xff, (byte) 0xfe, 0});
    }

    @Test
    void aCorpusOfAnUnknownRunIsDeadLetteredAfterTheWait() throws InterruptedException {
        ObjectRef corpus = new ObjectRef(ObjectKey.corpus("nobody", 0).toUri(BUCKET), SOME_SHA256,
                128);

        assertDeadLetteredAsUnknown(CorpusGenerated.of("nobody", 0, Instant.now(), TestRuns.SUBMITTER, corpus,
                tokens("nobody"), 128, SOME_SHA256, TestRuns.tinyConfig().sampling(), 1));
    }

    @Test
    void aCheckpointOfAnUnknownRunIsDeadLetteredAfterTheWait() throws InterruptedException {
        ObjectRef checkpoint = new ObjectRef(ObjectKey.checkpoint("no-one", 0).toUri(BUCKET),
                "d".repeat(64), 100);

        assertDeadLetteredAsUnknown(CheckpointPublished.of("no-one", 0, Instant.now(), TestRuns.SUBMITTER,
                checkpoint, null, "e".repeat(64), 8, 256, 3.0, 1));
    }

    @Test
    void anEventOnAnotherTopicIsDeadLetteredWithoutWork() throws InterruptedException {
        registry.onRunEvent(ConsumedRecords.of(request("misrouted")));
        ObjectRef corpus = new ObjectRef(ObjectKey.corpus("misrouted", 0).toUri(BUCKET), SOME_SHA256,
                128);
        CorpusGenerated misrouted = CorpusGenerated.of("misrouted", 0, Instant.now(), TestRuns.SUBMITTER, corpus,
                tokens("misrouted"), 128, SOME_SHA256, TestRuns.tinyConfig().sampling(), 1);

        consume(ConsumedRecords.ofBytes(Topics.RUNS, "misrouted", EventRecords.toRecord(misrouted).value()));

        assertEquals("CorpusGenerated belongs on topic collapse.corpora, not on collapse.runs",
                deadLetter("misrouted").reason());
        assertEquals(List.of(), workedRuns, "the event of a known run reached the work");
    }

    @Test
    void aCompletedRunGetsNoMoreWork() throws InterruptedException {
        RunRequested request = request("cancelled");
        registry.onRunEvent(ConsumedRecords.of(request));
        registry.onRunEvent(ConsumedRecords.of(recorded.record(ObjectOutbox.RUN_COMPLETED_EVENT,
                RunCompleted.of("cancelled", 0, Instant.now(), TestRuns.SUBMITTER, RunCompleted.Reason.CANCELLED,
                        "stopped by its submitter", null))));

        consume(ConsumedRecords.of(request));

        assertEquals(List.of(), workedRuns, "the completed run's request reached the work");
        assertEquals(List.of(), emitter.published().events(CollapseEvent.class, "cancelled"));
    }

    @Test
    void anIdenticalCopyOfAHandledEventIsSkipped() throws InterruptedException {
        RunRequested request = request("twice");
        consume(ConsumedRecords.of(request));

        consume(ConsumedRecords.of(RunRequested.of("twice", Instant.now().plusSeconds(60), SOME_INSTANCE,
                request.config(), request.inputs())));

        assertEquals(List.of("twice"), workedRuns);
        assertEquals(List.of(), emitter.published().deadLetters());
    }

    @Test
    void aDifferingCopyOfAHandledEventIsDeadLetteredNamingTheDifference() throws InterruptedException {
        RunRequested request = request("reseeded");
        consume(ConsumedRecords.of(request));
        long otherSeed = request.config().seed() + 1;

        consume(ConsumedRecords.of(RunRequested.of("reseeded", Instant.now(), TestRuns.SUBMITTER,
                request.config().withSeed(otherSeed), request.inputs())));

        String reason = deadLetter("reseeded").reason();
        assertTrue(reason.startsWith("RunRequested(0) of run reseeded differs from the copy of event "
                + request.eventId() + " handled before in config.seed (" + request.config().seed() + " vs "
                + otherSeed + ")"), reason);
        assertEquals(List.of("reseeded"), workedRuns);
    }

    @Test
    void aCheckpointNoTrainerRecordedIsDeadLetteredWithoutFailingTheRun() throws InterruptedException {
        registry.onRunEvent(ConsumedRecords.of(request("victim")));

        consume(ConsumedRecords.of(checkpoint("victim", 1, "d".repeat(64), "e".repeat(64))));

        String reason = deadLetter("victim").reason();
        assertTrue(reason.startsWith("CheckpointPublished(1) of run victim is not recorded in the object store"),
                reason);
        assertEquals(List.of(), workedRuns);
        assertEquals(List.of(), emitter.published().events(CollapseEvent.class, "victim"), "the run was ended");
    }

    @Test
    void aCheckpointThatDiffersFromItsRecordIsDeadLetteredNamingTheField() throws InterruptedException {
        registry.onRunEvent(ConsumedRecords.of(request("victim")));
        recorded.record(ObjectOutbox.CHECKPOINT_EVENT, checkpoint("victim", 0, "d".repeat(64), null));

        consume(ConsumedRecords.of(checkpoint("victim", 0, "f".repeat(64), null)));

        String reason = deadLetter("victim").reason();
        assertTrue(reason.startsWith("CheckpointPublished(0) of run victim differs from the one recorded with the"
                + " generation's objects in checkpoint.sha256"), reason);
        assertEquals(List.of(), workedRuns);
    }

    @Test
    void aRecordedCheckpointWhoseParentIsNotTheRecordedOneIsDeadLettered() throws InterruptedException {
        registry.onRunEvent(ConsumedRecords.of(request("victim")));
        recorded.record(ObjectOutbox.CHECKPOINT_EVENT, checkpoint("victim", 0, "d".repeat(64), null));
        CheckpointPublished orphan = recorded.record(ObjectOutbox.CHECKPOINT_EVENT,
                checkpoint("victim", 1, "e".repeat(64), "f".repeat(64)));

        consume(ConsumedRecords.of(orphan));

        assertEquals("CheckpointPublished(1) of run victim names parent checkpoint " + "f".repeat(64) + ", but the"
                + " recorded checkpoint 0 is " + "d".repeat(64), deadLetter("victim").reason());
        assertEquals(List.of(), workedRuns);
    }

    @Test
    void aRecordedCheckpointThatChainsReachesTheWork() throws InterruptedException {
        registry.onRunEvent(ConsumedRecords.of(request("chained")));
        recorded.record(ObjectOutbox.CHECKPOINT_EVENT, checkpoint("chained", 0, "d".repeat(64), null));
        CheckpointPublished next = recorded.record(ObjectOutbox.CHECKPOINT_EVENT,
                checkpoint("chained", 1, "e".repeat(64), "d".repeat(64)));

        consume(ConsumedRecords.of(next));

        assertEquals(List.of("chained"), workedRuns);
        assertEquals(List.of(), emitter.published().deadLetters());
    }

    @Test
    void aRunCompletedNoServiceRecordedIsDeadLetteredAndEndsNoRun() throws InterruptedException {
        RunRequested request = request("victim");
        registry.onRunEvent(ConsumedRecords.of(request));
        RunCompleted forged = RunCompleted.of("victim", 0, Instant.now(), TestRuns.SUBMITTER,
                RunCompleted.Reason.CANCELLED, "forged", null);

        registry.onRunEvent(ConsumedRecords.of(forged));
        consume(ConsumedRecords.of(forged), RunRequested.class);

        assertTrue(deadLetter("victim").reason().startsWith("RunCompleted(0) of run victim is not recorded"),
                deadLetter("victim").reason());
        assertFalse(registry.isCompleted("victim"));
        consume(ConsumedRecords.of(request));
        assertEquals(List.of("victim"), workedRuns, "the forged RunCompleted stopped the run");
    }

    @Test
    void anEventOfARunNotKnownYetWaitsWithoutHoldingTheChannel() throws InterruptedException {
        CheckpointPublished early = recorded.record(ObjectOutbox.CHECKPOINT_EVENT,
                checkpoint("late", 0, "d".repeat(64), null));
        CheckpointPublished behindIt = recorded.record(ObjectOutbox.CHECKPOINT_EVENT,
                checkpoint("late", 1, "e".repeat(64), "d".repeat(64)));

        AtomicBoolean earlyDone = consume(ConsumedRecords.of(early));
        AtomicBoolean behindItDone = consume(ConsumedRecords.of(behindIt));
        consume(ConsumedRecords.of(request("meanwhile")));

        assertEquals(List.of("meanwhile"), workedRuns, "another run waited for the unknown one");
        assertFalse(earlyDone.get(), "a deferred event was acknowledged before it was handled");
        registry.onRunEvent(ConsumedRecords.of(request("late")));
        await().atMost(Duration.ofSeconds(30)).untilTrue(behindItDone);
        assertTrue(earlyDone.get());
        assertEquals(List.of("meanwhile", "late", "late"), workedRuns);
        assertEquals(List.of(), emitter.published().deadLetters());
    }

    @Test
    void aDeadLetterTheBrokerRefusesIsKeptAndPublishedOnceItTakesIt() throws InterruptedException {
        emitter.refuseWith(new RecordTooLargeException("the broker's limit is lower still"));

        consume(ConsumedRecords.ofBytes(Topics.RUNS, "refused", "{not json".getBytes(StandardCharsets.UTF_8)));

        assertEquals(List.of(), emitter.published().deadLetters());
        assertEquals(1.0, meters.get("collapse.dead.letters.kept.locally").counter().count());
        assertEquals(1.0, meters.get("collapse.dead.letters.pending.locally").gauge().value());
        kept.publishKept();
        assertEquals(1.0, meters.get("collapse.dead.letters.pending.locally").gauge().value(),
                "a dead letter the broker still refuses was dropped");

        emitter.refuseWith(null);
        kept.publishKept();

        assertTrue(deadLetter("refused").reason().startsWith("not valid JSON"));
        assertEquals(0.0, meters.get("collapse.dead.letters.pending.locally").gauge().value());
    }

    /**
     * Consumes {@code garbage} as a record on {@code topic} and checks that it is dead-lettered as it came, signed by
     * the service, and that the next record is worked on.
     */
    private DeadLetter assertRefusedAndConsumingGoesOn(String topic, String key, byte[] garbage)
            throws InterruptedException {
        consume(ConsumedRecords.ofBytes(topic, key, garbage));

        DeadLetter deadLetter = deadLetter(key);
        assertArrayEquals(garbage, deadLetter.originalValue());
        assertEquals(topic, deadLetter.sourceTopic());
        assertEquals(SERVICE, deadLetter.refusedBy().service());
        consume(ConsumedRecords.of(request("after-" + key)));
        assertEquals(List.of("after-" + key), workedRuns);
        return deadLetter;
    }

    /** Consumes {@code event}, whose run nobody requested, and checks it is refused without work or a failed run. */
    private void assertDeadLetteredAsUnknown(CollapseEvent event) throws InterruptedException {
        String runId = event.runId();

        AtomicBoolean acknowledged = consume(ConsumedRecords.of(event));

        await().atMost(Duration.ofSeconds(30)).untilTrue(acknowledged);
        DeadLetter deadLetter = deadLetter(runId);
        assertTrue(deadLetter.reason().startsWith("run " + runId + " is unknown: no RunRequested for it on"
                + " collapse.runs within 1 s"), deadLetter.reason());
        assertEquals(List.of(), emitter.published().events(CollapseEvent.class, runId), "an unknown run cannot fail");
        assertEquals(List.of(), workedRuns);
    }

    /**
     * Hands {@code record} to the intake as a service's work channel does, with work that notes the run; returns
     * whether the message has been acknowledged, which a deferred one is only later.
     */
    private AtomicBoolean consume(ConsumerRecord<String, DecodedEvent> record) throws InterruptedException {
        return consume(record, CollapseEvent.class);
    }

    private AtomicBoolean consume(ConsumerRecord<String, DecodedEvent> record, Class<? extends CollapseEvent> type)
            throws InterruptedException {
        AtomicBoolean acknowledged = new AtomicBoolean();
        CompletionStage<Void> done = intake.process(WORK_CHANNEL, Message.of(record, () -> {
            acknowledged.set(true);
            return CompletableFuture.completedFuture(null);
        }), type, (event, run, compute) -> workedRuns.add(run.runId()));
        assertTrue(done.toCompletableFuture().isDone(), "the intake held the channel");
        return acknowledged;
    }

    private DeadLetter deadLetter(String key) {
        return emitter.published().deadLetter(key)
                .orElseThrow(() -> new AssertionError("no dead letter of the record keyed " + key));
    }

    private static CheckpointPublished checkpoint(String runId, int generation, String sha256, String parentSha256) {
        ObjectRef checkpoint = new ObjectRef(ObjectKey.checkpoint(runId, generation).toUri(BUCKET),
                sha256, 100);
        String trainedOn = generation == 0 ? SOME_SHA256 : "a".repeat(64);
        return CheckpointPublished.of(runId, generation, Instant.EPOCH, TestRuns.SUBMITTER, checkpoint, parentSha256,
                trainedOn, 8, 256, 3.0, 1);
    }

    /** Token ids where the layout puts them, for corpora whose events never reach the work. */
    private static ObjectRef tokens(String runId) {
        return new ObjectRef(ObjectKey.corpusTokens(runId, 0).toUri(BUCKET), SOME_SHA256, 512);
    }

    private static RunRequested request(String runId) {
        return RunRequested.of(runId, Instant.now(), TestRuns.SUBMITTER, TestRuns.tinyConfig(),
                TestRuns.claimedInputs(BUCKET, runId, SOME_SHA256));
    }

    /**
     * The outbox of an intake whose refusals end no run: recording or publishing through it fails the test (an
     * {@link Error}, which the intake lets through), where a failure it can catch would only be logged.
     */
    private static final class OutboxOfNoRunEnd extends ObjectOutbox {

        OutboxOfNoRunEnd(EventPublisher publisher, PipelineMetrics metrics) {
            super(null, publisher, metrics);
        }

        @Override
        public CollapseEvent publishOnce(String runId, int generation, String name,
                                         Supplier<? extends CollapseEvent> compute) {
            throw new AssertionError("refusing a record ended run " + runId + " (" + name + ")");
        }

        @Override
        public <I> CollapseEvent publishOnce(String runId, int generation, String name, Supplier<I> inputs,
                                             Function<I, ? extends CollapseEvent> compute) {
            throw new AssertionError("refusing a record ended run " + runId + " (" + name + ")");
        }
    }
}
