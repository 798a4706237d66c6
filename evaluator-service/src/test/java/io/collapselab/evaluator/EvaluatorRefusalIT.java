package io.collapselab.evaluator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.EvaluationCompleted;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunRequested;
import io.collapselab.events.kafka.Topics;
import io.collapselab.lm.loop.ExperimentConfig;
import io.collapselab.lm.loop.GenerationSteps;
import io.collapselab.lm.loop.GenerationSteps.TrainedCheckpoint;
import io.collapselab.lm.loop.Progress;
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
 * What the evaluator refuses, and that it keeps going afterwards. The short wait for unknown runs makes Quarkus
 * start a second application in this JVM, where evaluating proves the engine survives the restart.
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
@TestProfile(EvaluatorRefusalIT.ShortRunWait.class)
class EvaluatorRefusalIT {

    public static class ShortRunWait implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("collapse.run-wait-timeout", "PT2S");
        }
    }

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    ArtifactStore store;

    private InMemoryEvents events;

    @BeforeEach
    void clearPublished() {
        events = new InMemoryEvents(connector);
        events.clear();
    }

    @Test
    void malformedBytesAreDeadLetteredAndConsumingGoesOn() {
        byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0};

        events.sendBytes(EvaluatorService.GENERATIONS_CHANNEL, Topics.CORPORA, "garbage", garbage);

        DeadLetter deadLetter = events.awaitDeadLetter("garbage");
        assertArrayEquals(garbage, deadLetter.originalValue());
        assertEquals(Topics.CORPORA, deadLetter.sourceTopic());
        assertEquals("evaluator-service", deadLetter.refusedBy().service());

        ExperimentConfig config = TestRuns.tinyConfig();
        RunRequested request = events.register(store, "after-garbage", config);
        TrainedCheckpoint checkpoint = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);
        ObjectRef stored = TestRuns.ref(store.put(ObjectKey.checkpoint("after-garbage", 0),
                checkpoint.checkpoint()));
        events.send(EvaluatorService.GENERATIONS_CHANNEL, CheckpointPublished.of("after-garbage", 0, Instant.now(),
                TestRuns.SUBMITTER, stored, null, request.inputs().train().sha256(), 8, 256, 3.0, 1));
        await().atMost(InMemoryEvents.TIMEOUT).until(() -> store.exists(
                ObjectKey.generationFile("after-garbage", 0, EvaluatorService.HELDOUT_EVALUATION)));
    }

    @Test
    void aCorpusThatDoesNotMatchItsDigestFailsTheRun() {
        RunRequested request = events.register(store, "tampered", TestRuns.tinyConfig());
        byte[] corpus = "a corpus".getBytes(StandardCharsets.UTF_8);
        ObjectRef stored = TestRuns.ref(store.put(ObjectKey.corpus("tampered", 0), corpus));
        ObjectRef tampered = new ObjectRef(stored.uri(), "f".repeat(64), stored.size());

        events.send(EvaluatorService.GENERATIONS_CHANNEL, CorpusGenerated.of("tampered", 0, Instant.now(),
                TestRuns.SUBMITTER, tampered, 2, "e".repeat(64), request.config().sampling(), 1));

        RunCompleted failed = events.awaitPublished(RunCompleted.class, "tampered", 0);
        assertEquals(RunCompleted.Reason.FAILED, failed.reason());
        assertTrue(failed.detail().contains("has sha256 " + stored.sha256() + " but " + "f".repeat(64)
                + " was expected"), failed.detail());
        assertEquals(List.of(), events.published(EvaluationCompleted.class, "tampered"));
    }

    @Test
    void aCorpusOfAnUnknownRunIsDeadLetteredAfterTheWait() {
        ObjectRef corpus = new ObjectRef(ObjectKey.corpus("nobody", 0).toUri(store.settings().bucket()),
                "d".repeat(64), 100);
        events.send(EvaluatorService.GENERATIONS_CHANNEL, CorpusGenerated.of("nobody", 0, Instant.now(),
                TestRuns.SUBMITTER, corpus, 100, "e".repeat(64), TestRuns.runConfig(TestRuns.tinyConfig()).sampling(),
                1));

        assertTrue(events.awaitDeadLetter("nobody").reason().startsWith("run nobody is unknown"));
    }
}
