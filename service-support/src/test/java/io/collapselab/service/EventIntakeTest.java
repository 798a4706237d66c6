package io.collapselab.service;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

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

    /** The defaults, but a short wait for unknown runs; no test here reaches the object store. */
    private static final CollapseConfig CONFIG = new SmallRyeConfigBuilder()
            .withMapping(CollapseConfig.class)
            .withDefaultValues(Map.of(
                    "collapse.run-wait-timeout", "PT1S",
                    "collapse.s3.endpoint", "http://object-store.invalid",
                    "collapse.s3.access-key", "unused",
                    "collapse.s3.secret-key", "unused"))
            .build()
            .getConfigMapping(CollapseConfig.class);

    private final RecordingEmitter emitter = new RecordingEmitter();
    private final PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
    private final RunRegistry registry = new RunRegistry(metrics);
    private final EventPublisher publisher = new EventPublisher(emitter);
    private final EventIntake intake = new EventIntake(registry, new OutboxOfNoRunEnd(publisher, metrics), publisher,
            new ServiceIdentity(SERVICE, "0.1.0", CONFIG), metrics, CONFIG);
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
        ObjectRef corpus = new ObjectRef(ObjectKey.corpus("nobody", 0).toUri(CONFIG.s3().bucket()), SOME_SHA256,
                128);

        assertDeadLetteredAsUnknown(CorpusGenerated.of("nobody", 0, Instant.now(), TestRuns.SUBMITTER, corpus, 128,
                SOME_SHA256, TestRuns.tinyConfig().sampling(), 1));
    }

    @Test
    void aCheckpointOfAnUnknownRunIsDeadLetteredAfterTheWait() throws InterruptedException {
        ObjectRef checkpoint = new ObjectRef(ObjectKey.checkpoint("no-one", 0).toUri(CONFIG.s3().bucket()),
                "d".repeat(64), 100);

        assertDeadLetteredAsUnknown(CheckpointPublished.of("no-one", 0, Instant.now(), TestRuns.SUBMITTER,
                checkpoint, null, "e".repeat(64), 8, 256, 3.0, 1));
    }

    @Test
    void anEventOnAnotherTopicIsDeadLetteredWithoutWork() throws InterruptedException {
        registry.onRunEvent(ConsumedRecords.of(request("misrouted")));
        ObjectRef corpus = new ObjectRef(ObjectKey.corpus("misrouted", 0).toUri(CONFIG.s3().bucket()), SOME_SHA256,
                128);
        CorpusGenerated misrouted = CorpusGenerated.of("misrouted", 0, Instant.now(), TestRuns.SUBMITTER, corpus,
                128, SOME_SHA256, TestRuns.tinyConfig().sampling(), 1);

        consume(ConsumedRecords.ofBytes(Topics.RUNS, "misrouted", EventRecords.toRecord(misrouted).value()));

        assertEquals("CorpusGenerated belongs on topic collapse.corpora, not on collapse.runs",
                deadLetter("misrouted").reason());
        assertEquals(List.of(), workedRuns, "the event of a known run reached the work");
    }

    @Test
    void aCompletedRunGetsNoMoreWork() throws InterruptedException {
        RunRequested request = request("cancelled");
        registry.onRunEvent(ConsumedRecords.of(request));
        registry.onRunEvent(ConsumedRecords.of(RunCompleted.of("cancelled", 0, Instant.now(), TestRuns.SUBMITTER,
                RunCompleted.Reason.CANCELLED, "stopped by its submitter", null)));

        consume(ConsumedRecords.of(request));

        assertEquals(List.of(), workedRuns, "the completed run's request reached the work");
        assertEquals(List.of(), emitter.published().events(CollapseEvent.class, "cancelled"));
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

        consume(ConsumedRecords.of(event));

        DeadLetter deadLetter = deadLetter(runId);
        assertTrue(deadLetter.reason().startsWith("run " + runId + " is unknown: no RunRequested for it on"
                + " collapse.runs within 1 s"), deadLetter.reason());
        assertEquals(List.of(), emitter.published().events(CollapseEvent.class, runId), "an unknown run cannot fail");
        assertEquals(List.of(), workedRuns);
    }

    /** Hands {@code record} to the intake as a service's work channel does, with work that notes the run. */
    private void consume(ConsumerRecord<String, DecodedEvent> record) throws InterruptedException {
        intake.process(WORK_CHANNEL, record, CollapseEvent.class, (event, run, compute) -> workedRuns.add(run.runId()));
    }

    private DeadLetter deadLetter(String key) {
        return emitter.published().deadLetter(key)
                .orElseThrow(() -> new AssertionError("no dead letter of the record keyed " + key));
    }

    private static RunRequested request(String runId) {
        return RunRequested.of(runId, Instant.now(), TestRuns.SUBMITTER, TestRuns.tinyConfig(),
                TestRuns.claimedInputs(CONFIG.s3().bucket(), runId, SOME_SHA256));
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
