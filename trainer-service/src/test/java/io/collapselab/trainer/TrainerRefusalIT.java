package io.collapselab.trainer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunInputs;
import io.collapselab.events.RunRequested;
import io.collapselab.events.kafka.EventRecords;
import io.collapselab.events.kafka.Topics;
import io.collapselab.service.RunRegistry;
import io.collapselab.service.testing.InMemoryEvents;
import io.collapselab.service.testing.LocalStackResource;
import io.collapselab.service.testing.TestRuns;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the trainer refuses, and that it keeps going afterwards. Runs with a short wait for unknown runs, which
 * also makes Quarkus start a second application in this JVM: training in it proves the engine's native library
 * survives the restart (see quarkus.class-loading.parent-first-artifacts).
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
@TestProfile(TrainerRefusalIT.ShortRunWait.class)
class TrainerRefusalIT {

    public static class ShortRunWait implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("collapse.run-wait-timeout", "PT2S");
        }
    }

    private static final String SOME_SHA256 = "c".repeat(64);

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    ArtifactStore store;

    @Inject
    RunRegistry registry;

    private InMemoryEvents events;

    @BeforeEach
    void clearPublished() {
        events = new InMemoryEvents(connector);
        events.clear();
    }

    @Test
    void malformedBytesAreDeadLetteredAndConsumingGoesOn() {
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);

        events.sendBytes(TrainerService.RUNS_CHANNEL, Topics.RUNS, "garbage", garbage);

        DeadLetter deadLetter = events.awaitDeadLetter("garbage");
        assertArrayEquals(garbage, deadLetter.originalValue());
        assertTrue(deadLetter.reason().startsWith("not valid JSON"), deadLetter.reason());
        assertEquals(Topics.RUNS, deadLetter.sourceTopic());
        assertEquals("trainer-service", deadLetter.refusedBy().service());

        submit("after-garbage");
        assertEquals(0, events.awaitPublished(CheckpointPublished.class, "after-garbage", 0).generation());
    }

    @Test
    void anInvalidRunRequestIsDeadLetteredAndFailsTheRun() {
        RunRequested invalid = RunRequested.of("bad-config", Instant.now(), TestRuns.SUBMITTER,
                TestRuns.runConfig(TestRuns.tinyConfig().withGenerations(-1)), inputsOf("bad-config", SOME_SHA256));

        events.sendUnchecked(TrainerService.RUNS_CHANNEL, invalid);

        DeadLetter deadLetter = events.awaitDeadLetter("bad-config");
        assertTrue(deadLetter.reason().contains(
                "config: generations must be between 0 and 9999 (object keys hold four digits), was -1"),
                deadLetter.reason());
        RunCompleted failed = events.awaitPublished(RunCompleted.class, "bad-config", 0);
        assertEquals(RunCompleted.Reason.FAILED, failed.reason());
        assertEquals(deadLetter.reason(), failed.detail());
        assertNull(failed.lastGeneration());
    }

    @Test
    void inputsThatDoNotMatchTheirDigestFailTheRun() {
        RunRequested genuine = TestRuns.request(store, "tampered", TestRuns.tinyConfig());
        RunRequested tampered = RunRequested.of("tampered", Instant.now(), TestRuns.SUBMITTER, genuine.config(),
                inputsOf("tampered", SOME_SHA256));
        events.send(RunRegistry.CHANNEL, tampered);

        events.send(TrainerService.RUNS_CHANNEL, tampered);

        RunCompleted failed = events.awaitPublished(RunCompleted.class, "tampered", 0);
        assertEquals(RunCompleted.Reason.FAILED, failed.reason());
        assertTrue(failed.detail().contains("has sha256 " + genuine.inputs().train().sha256() + " but "
                + SOME_SHA256 + " was expected"), failed.detail());
        assertTrue(events.awaitDeadLetter("tampered").reason().startsWith("handling RunRequested of generation 0"
                + " failed"));
        assertFalse(store.exists(ObjectKey.checkpoint("tampered", 0)));
    }

    @Test
    void aCorpusOfAnUnknownRunIsDeadLetteredAfterTheWait() {
        events.send(TrainerService.CORPORA_CHANNEL, corpusOf("nobody"));

        DeadLetter deadLetter = events.awaitDeadLetter("nobody");
        assertTrue(deadLetter.reason().startsWith("run nobody is unknown: no RunRequested for it on collapse.runs"
                + " within 2 s"), deadLetter.reason());
        assertEquals(List.of(), events.published(RunCompleted.class, "nobody"), "an unknown run cannot fail");
    }

    @Test
    void anEventOnAnotherTopicIsDeadLettered() {
        CorpusGenerated corpus = corpusOf("misrouted");

        events.sendBytes(TrainerService.RUNS_CHANNEL, Topics.RUNS, "misrouted", EventRecords.toRecord(corpus).value());

        assertEquals("CorpusGenerated belongs on topic collapse.corpora, not on collapse.runs",
                events.awaitDeadLetter("misrouted").reason());
    }

    @Test
    void aCompletedRunGetsNoMoreWork() {
        RunRequested request = TestRuns.request(store, "cancelled", TestRuns.tinyConfig());
        events.send(RunRegistry.CHANNEL, request);
        events.send(RunRegistry.CHANNEL, RunCompleted.of("cancelled", 0, Instant.now(), TestRuns.SUBMITTER,
                RunCompleted.Reason.CANCELLED, "stopped by its submitter", null));
        await().atMost(InMemoryEvents.TIMEOUT).until(() -> registry.isCompleted("cancelled"));

        events.send(TrainerService.RUNS_CHANNEL, request);
        // The channel handles records in order: once the next run is trained, the cancelled one was passed over.
        submit("after-cancelled");
        events.awaitPublished(CheckpointPublished.class, "after-cancelled", 0);

        assertEquals(List.of(), events.published(CheckpointPublished.class, "cancelled"));
        assertFalse(store.exists(ObjectKey.checkpoint("cancelled", 0)));
    }

    private void submit(String runId) {
        RunRequested request = TestRuns.request(store, runId, TestRuns.tinyConfig());
        events.send(RunRegistry.CHANNEL, request);
        events.send(TrainerService.RUNS_CHANNEL, request);
    }

    private RunInputs inputsOf(String runId, String sha256) {
        String bucket = store.settings().bucket();
        return new RunInputs(new ObjectRef(ObjectKey.input(runId, "train.txt").toUri(bucket), sha256, 20_000),
                new ObjectRef(ObjectKey.input(runId, "heldout.txt").toUri(bucket), sha256, 8_000));
    }

    private CorpusGenerated corpusOf(String runId) {
        ObjectRef corpus = new ObjectRef(ObjectKey.corpus(runId, 0).toUri(store.settings().bucket()), SOME_SHA256,
                128);
        return CorpusGenerated.of(runId, 0, Instant.now(), TestRuns.SUBMITTER, corpus, 128, SOME_SHA256,
                TestRuns.runConfig(TestRuns.tinyConfig()).sampling(), 1);
    }
}
