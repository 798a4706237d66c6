package io.collapselab.evaluator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.EvaluationCompleted;
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
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the evaluator refuses beyond what the intake refuses for every service (service-support's EventIntakeTest): a
 * corpus that does not match its digest; and that it keeps evaluating afterwards. Under a profile of its own, so that
 * evaluating here, in a second application of this JVM, proves the engine survives the restart.
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
@TestProfile(SecondApplication.class)
class EvaluatorRefusalIT {

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
    void aCorpusThatDoesNotMatchItsDigestFailsTheRunAndEvaluatingGoesOn() {
        RunRequested request = events.register(store, "tampered", TestRuns.tinyConfig());
        byte[] corpus = "a corpus".getBytes(StandardCharsets.UTF_8);
        ObjectRef stored = TestRuns.ref(store.put(ObjectKey.corpus("tampered", 0), corpus));
        ObjectRef tampered = new ObjectRef(stored.uri(), "f".repeat(64), stored.size());

        ObjectRef tokens = new ObjectRef(ObjectKey.corpusTokens("tampered", 0).toUri(store.settings().bucket()),
                "c".repeat(64), 8);

        // Recorded, as a faulty generator would have: what no service recorded is refused before any work.
        TestRuns.record(store, ObjectOutbox.CHECKPOINT_EVENT, CheckpointPublished.of("tampered", 0, Instant.now(),
                TestRuns.SUBMITTER, new ObjectRef(ObjectKey.checkpoint("tampered", 0).toUri(
                        store.settings().bucket()), "e".repeat(64), 100),
                                TestRuns.claimedTrainingState(store.settings().bucket(), "tampered", 0), null,
                                        request.inputs().train().sha256(),
                8, 256, 3.0, 1));
        events.send(EvaluatorService.GENERATIONS_CHANNEL, TestRuns.record(store, ObjectOutbox.CORPUS_EVENT,
                CorpusGenerated.of("tampered", 0, Instant.now(), TestRuns.SUBMITTER, tampered, tokens, 2,
                        "e".repeat(64), request.config().sampling(), 1)));

        RunCompleted failed = events.awaitPublished(RunCompleted.class, "tampered", 0);
        assertEquals(RunCompleted.Reason.FAILED, failed.reason());
        assertTrue(failed.detail().contains("has sha256 " + stored.sha256() + " but " + "f".repeat(64)
                + " was expected"), failed.detail());
        assertEquals(List.of(), events.published(EvaluationCompleted.class, "tampered"));
        assertEquals("evaluator-service", events.awaitDeadLetter("tampered").refusedBy().service());

        ExperimentConfig config = TestRuns.tinyConfig();
        RunRequested next = events.register(store, "after-tampered", config);
        events.send(EvaluatorService.GENERATIONS_CHANNEL, TestRuns.checkpointPublished(store, next,
                GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE), 0));
        await().atMost(InMemoryEvents.TIMEOUT).until(() -> store.exists(
                ObjectKey.generationFile("after-tampered", 0, EvaluatorService.HELDOUT_EVALUATION)));
    }
}
