package io.collapselab.generator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.RunRequested;
import io.collapselab.events.json.EventJson;
import io.collapselab.lm.loop.ExperimentConfig;
import io.collapselab.lm.loop.GenerationSteps;
import io.collapselab.lm.loop.GenerationSteps.SampledCorpus;
import io.collapselab.lm.loop.GenerationSteps.TrainedCheckpoint;
import io.collapselab.lm.loop.Progress;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.random.SeedRole;
import io.collapselab.service.ObjectOutbox;
import io.collapselab.service.RunRegistry;
import io.collapselab.service.testing.InMemoryEvents;
import io.collapselab.service.testing.LocalStackResource;
import io.collapselab.service.testing.TestRuns;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The generator's corpora, checked bit for bit against the same sampling run in the test. */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
class GeneratorServiceTests {

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    ArtifactStore store;

    @Inject
    MeterRegistry meters;

    private InMemoryEvents events;

    @BeforeEach
    void clearPublished() {
        events = new InMemoryEvents(connector);
        events.clear();
    }

    @Test
    void samplesTheCorpusOfAPublishedCheckpoint() {
        ExperimentConfig config = TestRuns.tinyConfig();
        RunRequested request = register("sample", config);
        TrainedCheckpoint checkpoint = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);

        events.send(GeneratorService.CHECKPOINTS, publish(request, checkpoint, 0));
        CorpusGenerated published = events.awaitPublished(CorpusGenerated.class, "sample", 0);

        SampledCorpus expected = GenerationSteps.sample(config, checkpoint.checkpoint(), 0, Progress.NONE);
        assertEquals(expected.sha256(), published.corpus().sha256());
        assertArrayEquals(expected.corpus(), store.get(ObjectKey.corpus("sample", 0), published.corpus().sha256()));
        assertEquals(expected.tokenCount(), published.tokenCount());
        assertEquals(checkpoint.sha256(), published.checkpointSha256());
        assertEquals(request.config().sampling(), published.sampling());
        assertEquals(Rng.derive(config.seed(), 0, SeedRole.SAMPLING), published.seed());
        assertArrayEquals(EventJson.toBytes(published),
                store.get(ObjectKey.generationFile("sample", 0, ObjectOutbox.CORPUS_EVENT),
                        store.stat(ObjectKey.generationFile("sample", 0, ObjectOutbox.CORPUS_EVENT)).orElseThrow()
                                .sha256()),
                "the event was recorded beside the corpus before it was published");
    }

    @Test
    void samplesTheLastGenerationToo() {
        ExperimentConfig config = TestRuns.tinyConfig().withGenerations(0);
        RunRequested request = register("last", config);
        TrainedCheckpoint checkpoint = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);

        events.send(GeneratorService.CHECKPOINTS, publish(request, checkpoint, 0));

        assertEquals(GenerationSteps.sample(config, checkpoint.checkpoint(), 0, Progress.NONE).sha256(),
                events.awaitPublished(CorpusGenerated.class, "last", 0).corpus().sha256());
    }

    @Test
    void aRedeliveredCheckpointIsDroppedWithoutSamplingAgain() {
        ExperimentConfig config = TestRuns.tinyConfig();
        RunRequested request = register("redelivered", config);
        CheckpointPublished checkpoint = publish(request,
                GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE), 0);
        events.send(GeneratorService.CHECKPOINTS, checkpoint);
        events.awaitPublished(CorpusGenerated.class, "redelivered", 0);
        double samplingsBefore = samplings();
        double deduplicatedBefore = deduplicated();

        events.send(GeneratorService.CHECKPOINTS, checkpoint);

        await().atMost(InMemoryEvents.TIMEOUT).until(() -> deduplicated() > deduplicatedBefore);
        assertEquals(1, events.published(CorpusGenerated.class, "redelivered").size(),
                "the in-memory dedupe suppresses the repeated event");
        assertEquals(samplingsBefore, samplings());
    }

    private RunRequested register(String runId, ExperimentConfig config) {
        RunRequested request = TestRuns.request(store, runId, config);
        events.send(RunRegistry.CHANNEL, request);
        return request;
    }

    /** Stores a checkpoint as the trainer would and returns its announcement. */
    private CheckpointPublished publish(RunRequested request, TrainedCheckpoint checkpoint, int generation) {
        return CheckpointPublished.of(request.runId(), generation, Instant.now(), TestRuns.SUBMITTER,
                TestRuns.ref(store.put(ObjectKey.checkpoint(request.runId(), generation), checkpoint.checkpoint())),
                null, request.inputs().train().sha256(), checkpoint.steps(), checkpoint.tokensSeen(),
                checkpoint.trainLoss(), 1);
    }

    private double samplings() {
        return Search.in(meters).name("collapse.tokens.per.second").tag("phase", "sample").summaries().stream()
                .mapToDouble(summary -> summary.count()).sum();
    }

    private double deduplicated() {
        return Search.in(meters).name("collapse.events.deduplicated").counters().stream()
                .mapToDouble(counter -> counter.count()).sum();
    }
}
