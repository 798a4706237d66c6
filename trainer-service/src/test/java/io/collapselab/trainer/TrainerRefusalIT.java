package io.collapselab.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunRequested;
import io.collapselab.service.RunRegistry;
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
 * What the trainer refuses beyond what the intake refuses for every service (service-support's EventIntakeTest):
 * invalid run requests, which only its work channel reads, and inputs that do not match their digest; and that it
 * keeps training afterwards. Under a profile of its own, so that training here, in a second application of this JVM,
 * proves the engine's native library survives the restart.
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
@TestProfile(SecondApplication.class)
class TrainerRefusalIT {

    private static final String SOME_SHA256 = "c".repeat(64);

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
    void anInvalidRunRequestIsDeadLetteredAndFailsTheRun() {
        RunRequested invalid = RunRequested.of("bad-config", Instant.now(), TestRuns.SUBMITTER,
                TestRuns.tinyConfig().withGenerations(-1),
                TestRuns.claimedInputs(store.settings().bucket(), "bad-config", SOME_SHA256));

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
    void inputsThatDoNotMatchTheirDigestFailTheRunAndTrainingGoesOn() {
        RunRequested genuine = TestRuns.request(store, "tampered", TestRuns.tinyConfig());
        RunRequested tampered = RunRequested.of("tampered", Instant.now(), TestRuns.SUBMITTER, genuine.config(),
                TestRuns.claimedInputs(store.settings().bucket(), "tampered", SOME_SHA256));
        events.send(RunRegistry.CHANNEL, tampered);

        events.send(TrainerService.RUNS_CHANNEL, tampered);

        RunCompleted failed = events.awaitPublished(RunCompleted.class, "tampered", 0);
        assertEquals(RunCompleted.Reason.FAILED, failed.reason());
        assertTrue(failed.detail().contains("has sha256 " + genuine.inputs().train().sha256() + " but "
                + SOME_SHA256 + " was expected"), failed.detail());
        DeadLetter deadLetter = events.awaitDeadLetter("tampered");
        assertTrue(deadLetter.reason().startsWith("handling RunRequested of generation 0 failed"));
        assertEquals("trainer-service", deadLetter.refusedBy().service());
        assertFalse(store.exists(ObjectKey.checkpoint("tampered", 0)));

        RunRequested next = events.register(store, "after-tampered", TestRuns.tinyConfig());
        events.send(TrainerService.RUNS_CHANNEL, next);
        assertEquals(0, events.awaitPublished(CheckpointPublished.class, "after-tampered", 0).generation());
    }
}
