package io.collapselab.generator;

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
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.lm.loop.GenerationSteps;
import io.collapselab.lm.loop.Progress;
import io.collapselab.service.ObjectOutbox;
import io.collapselab.service.testing.InMemoryEvents;
import io.collapselab.service.testing.LocalStackResource;
import io.collapselab.service.testing.SecondApplication;
import io.collapselab.service.testing.TestRuns;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the generator refuses beyond what the intake refuses for every service (service-support's EventIntakeTest): a
 * checkpoint announced at another key than its generation's; and that it keeps sampling afterwards. Under a profile of
 * its own, so that sampling here, in a second application of this JVM, proves the engine survives the restart.
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
@TestProfile(SecondApplication.class)
class GeneratorRefusalIT {

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
    void aCheckpointAnnouncedAtAnotherKeyFailsTheRunAndSamplingGoesOn() {
        RunRequested request = events.register(store, "elsewhere", TestRuns.tinyConfig());
        ObjectRef wrongKey = new ObjectRef(ObjectKey.checkpoint("elsewhere", 1).toUri(store.settings().bucket()),
                "d".repeat(64), 100);

        // Recorded, as a faulty trainer would have: what no service recorded is refused before any work.
        events.send(GeneratorService.CHECKPOINTS_CHANNEL, TestRuns.record(store, ObjectOutbox.CHECKPOINT_EVENT,
                CheckpointPublished.of("elsewhere", 0, Instant.now(), TestRuns.SUBMITTER, wrongKey,
                        TestRuns.claimedTrainingState(store.settings().bucket(), "elsewhere", 0), null,
                        request.inputs().train().sha256(), 8, 256, 3.0, 1)));

        RunCompleted failed = events.awaitPublished(RunCompleted.class, "elsewhere", 0);
        assertEquals(RunCompleted.Reason.FAILED, failed.reason());
        assertTrue(failed.detail().endsWith("checkpoint.uri must be s3://collapse/runs/elsewhere/gen-0000/"
                + "checkpoint.bin, was s3://collapse/runs/elsewhere/gen-0001/checkpoint.bin"), failed.detail());
        assertEquals(0, failed.lastGeneration());
        DeadLetter deadLetter = events.awaitDeadLetter("elsewhere");
        assertEquals(failed.detail(), deadLetter.reason());
        assertEquals("generator-service", deadLetter.refusedBy().service());
        assertFalse(store.exists(ObjectKey.corpus("elsewhere", 0)));

        ExperimentConfig config = TestRuns.tinyConfig();
        RunRequested next = events.register(store, "after-elsewhere", config);
        events.send(GeneratorService.CHECKPOINTS_CHANNEL, TestRuns.checkpointPublished(store, next,
                GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE), 0));
        events.awaitPublished(CorpusGenerated.class, "after-elsewhere", 0);
    }
}
