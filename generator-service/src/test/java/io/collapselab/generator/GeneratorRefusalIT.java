package io.collapselab.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.DeadLetter;
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
 * What the generator refuses, and that it keeps going afterwards. The short wait for unknown runs makes Quarkus
 * start a second application in this JVM, where sampling proves the engine survives the restart.
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
@TestProfile(GeneratorRefusalIT.ShortRunWait.class)
class GeneratorRefusalIT {

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
        byte[] garbage = "[1, 2, 3]".getBytes(StandardCharsets.UTF_8);

        events.sendBytes(GeneratorService.CHECKPOINTS_CHANNEL, Topics.CHECKPOINTS, "garbage", garbage);

        DeadLetter deadLetter = events.awaitDeadLetter("garbage");
        assertArrayEquals(garbage, deadLetter.originalValue());
        assertEquals("expected a JSON object, found array", deadLetter.reason());
        assertEquals("generator-service", deadLetter.refusedBy().service());

        ExperimentConfig config = TestRuns.tinyConfig();
        RunRequested request = events.register(store, "after-garbage", config);
        TrainedCheckpoint checkpoint = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);
        ObjectRef stored = TestRuns.ref(store.put(ObjectKey.checkpoint("after-garbage", 0),
                checkpoint.checkpoint()));
        events.send(GeneratorService.CHECKPOINTS_CHANNEL, checkpointAt(request, stored));
        events.awaitPublished(CorpusGenerated.class, "after-garbage", 0);
    }

    @Test
    void aCheckpointAnnouncedAtAnotherKeyFailsTheRun() {
        RunRequested request = events.register(store, "elsewhere", TestRuns.tinyConfig());
        ObjectRef wrongKey = new ObjectRef(ObjectKey.checkpoint("elsewhere", 1).toUri(store.settings().bucket()),
                "d".repeat(64), 100);

        events.send(GeneratorService.CHECKPOINTS_CHANNEL, checkpointAt(request, wrongKey));

        RunCompleted failed = events.awaitPublished(RunCompleted.class, "elsewhere", 0);
        assertEquals(RunCompleted.Reason.FAILED, failed.reason());
        assertTrue(failed.detail().endsWith("checkpoint.uri must be s3://collapse/runs/elsewhere/gen-0000/"
                + "checkpoint.bin, was s3://collapse/runs/elsewhere/gen-0001/checkpoint.bin"), failed.detail());
        assertEquals(0, failed.lastGeneration());
        assertEquals(failed.detail(), events.awaitDeadLetter("elsewhere").reason());
        assertFalse(store.exists(ObjectKey.corpus("elsewhere", 0)));
    }

    @Test
    void aCheckpointOfAnUnknownRunIsDeadLetteredAfterTheWait() {
        ObjectRef checkpoint = new ObjectRef(ObjectKey.checkpoint("nobody", 0).toUri(store.settings().bucket()),
                "d".repeat(64), 100);
        events.send(GeneratorService.CHECKPOINTS_CHANNEL, CheckpointPublished.of("nobody", 0, Instant.now(),
                TestRuns.SUBMITTER, checkpoint, null, "e".repeat(64), 8, 256, 3.0, 1));

        assertTrue(events.awaitDeadLetter("nobody").reason().startsWith("run nobody is unknown"));
        assertEquals(List.of(), events.published(CorpusGenerated.class, "nobody"));
    }

    private static CheckpointPublished checkpointAt(RunRequested request, ObjectRef checkpoint) {
        return CheckpointPublished.of(request.runId(), 0, Instant.now(), TestRuns.SUBMITTER, checkpoint, null,
                request.inputs().train().sha256(), 8, 256, 3.0, 1);
    }
}
