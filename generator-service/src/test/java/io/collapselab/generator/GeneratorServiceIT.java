package io.collapselab.generator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.EventValidator;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.RunRequested;
import io.collapselab.events.json.EventJson;
import io.collapselab.experiment.CorpusSize;
import io.collapselab.experiment.CurationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.lm.loop.GenerationSteps.SampledCorpus;
import io.collapselab.lm.loop.GenerationSteps.TrainedCheckpoint;
import io.collapselab.lm.loop.GenerationSteps;
import io.collapselab.lm.loop.Progress;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.random.SeedRole;
import io.collapselab.lm.sample.CorpusTokens;
import io.collapselab.service.ObjectOutbox;
import io.collapselab.service.testing.InMemoryEvents;
import io.collapselab.service.testing.LocalStackResource;
import io.collapselab.service.testing.LongWorkChannels;
import io.collapselab.service.testing.ServiceMeters;
import io.collapselab.service.testing.TestRuns;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The generator's corpora, checked bit for bit against the same sampling run in the test. */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
class GeneratorServiceIT implements LongWorkChannels {

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

    @Override
    public List<String> workChannels() {
        return List.of(GeneratorService.CHECKPOINTS_CHANNEL);
    }

    @Test
    void samplesTheCorpusOfAPublishedCheckpoint() {
        ExperimentConfig config = TestRuns.tinyConfig();
        RunRequested request = events.register(store, "sample", config);
        TrainedCheckpoint checkpoint = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);

        events.send(GeneratorService.CHECKPOINTS_CHANNEL, TestRuns.checkpointPublished(store, request, checkpoint, 0));
        CorpusGenerated published = events.awaitPublished(CorpusGenerated.class, "sample", 0);

        SampledCorpus expected = GenerationSteps.sample(config, checkpoint.checkpoint(),
                TestRuns.corpusTokens(config, checkpoint), 0, Progress.NONE);
        assertEquals(expected.sha256(), published.corpus().sha256());
        assertArrayEquals(expected.corpus(), store.get(ObjectKey.corpus("sample", 0), published.corpus().sha256()));
        assertEquals(expected.tokenCount(), published.tokenCount());
        assertArrayEquals(CorpusTokens.toBytes(expected.tokens()),
                store.get(ObjectKey.corpusTokens("sample", 0), published.tokens().sha256()));
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
    void aCorpusSizeRelativeToTheRealTextIsResolvedFromTheStoredTrainingText() {
        ExperimentConfig tiny = TestRuns.tinyConfig();
        ExperimentConfig config = tiny.withSampling(tiny.sampling()
                .withTokensPerGeneration(CorpusSize.parse("0.01x real-size")));
        RunRequested request = events.register(store, "relative", config);
        TrainedCheckpoint checkpoint = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);

        events.send(GeneratorService.CHECKPOINTS_CHANNEL, TestRuns.checkpointPublished(store, request, checkpoint, 0));
        CorpusGenerated published = events.awaitPublished(CorpusGenerated.class, "relative", 0);

        // Byte-level: 1% of the 20,000-byte training text is 200 tokens, 50 for each of the 4 sequences.
        assertEquals(200, published.tokenCount());
        assertEquals(GenerationSteps.sample(config, checkpoint.checkpoint(), 200, 0, Progress.NONE).sha256(),
                published.corpus().sha256());
        assertEquals(request.config().sampling(), published.sampling());
    }

    /**
     * A curated run scores generation 1's samples under generation 0, which the generator reads through the
     * CheckpointPublished recorded beside it, and publishes the corpus the loop curates, with what was dropped.
     */
    @Test
    void aCuratedRunPublishesTheCorpusCuratedUnderGenerationZeroWithItsCounts() {
        ExperimentConfig tiny = TestRuns.tinyConfig();
        ExperimentConfig config = tiny.withSampling(tiny.sampling()
                .withCuration(new CurationSettings(1.0, 1e6, 16, 2)));
        RunRequested request = events.register(store, "curated", config);
        TrainedCheckpoint generation0 = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);
        TestRuns.checkpointPublished(store, request, generation0, 0);
        TrainedCheckpoint generation1 = GenerationSteps.trainNext(config, generation0.checkpoint(),
                generation0.trainingState(), TestRuns.trainText(), 1, Progress.NONE);

        ObjectRef checkpoint1 = TestRuns.ref(store.put(ObjectKey.checkpoint("curated", 1),
                generation1.checkpoint()));
        ObjectRef state1 = TestRuns.ref(store.put(ObjectKey.trainingState("curated", 1),
                generation1.trainingState()));
        events.send(GeneratorService.CHECKPOINTS_CHANNEL, TestRuns.record(store, ObjectOutbox.CHECKPOINT_EVENT,
                CheckpointPublished.of("curated", 1, Instant.now(), TestRuns.SUBMITTER, checkpoint1, state1,
                        generation0.sha256(), request.inputs().train().sha256(), generation1.steps(),
                        generation1.tokensSeen(), generation1.trainLoss(), 1)));
        CorpusGenerated published = events.awaitPublished(CorpusGenerated.class, "curated", 1);

        SampledCorpus expected = GenerationSteps.sample(config, generation1.checkpoint(), generation0.checkpoint(),
                TestRuns.corpusTokens(config, generation1), 1, Progress.NONE);
        assertEquals(expected.sha256(), published.corpus().sha256());
        assertEquals(expected.tokenCount(), published.tokenCount());
        assertEquals(expected.curation(), published.curation());
        assertEquals(8, published.curation().sampled(), "oversample 2 of 4 sequences");
        assertEquals(List.of(), EventValidator.problems(published, config));
        assertNotEquals(GenerationSteps.sample(tiny, generation1.checkpoint(), TestRuns.corpusTokens(config,
                generation1), 1, Progress.NONE).sha256(), published.corpus().sha256(), "curation chose the corpus");
    }

    @Test
    void samplesTheLastGenerationToo() {
        ExperimentConfig config = TestRuns.tinyConfig().withGenerations(0);
        RunRequested request = events.register(store, "last", config);
        TrainedCheckpoint checkpoint = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);

        events.send(GeneratorService.CHECKPOINTS_CHANNEL, TestRuns.checkpointPublished(store, request, checkpoint, 0));

        assertEquals(GenerationSteps.sample(config, checkpoint.checkpoint(),
                        TestRuns.corpusTokens(config, checkpoint), 0, Progress.NONE).sha256(),
                events.awaitPublished(CorpusGenerated.class, "last", 0).corpus().sha256());
    }

    @Test
    void aRedeliveredCheckpointIsDroppedWithoutSamplingAgain() {
        ExperimentConfig config = TestRuns.tinyConfig();
        RunRequested request = events.register(store, "redelivered", config);
        CheckpointPublished checkpoint = TestRuns.checkpointPublished(store, request,
                GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE), 0);
        events.send(GeneratorService.CHECKPOINTS_CHANNEL, checkpoint);
        events.awaitPublished(CorpusGenerated.class, "redelivered", 0);
        double samplingsBefore = ServiceMeters.computations(meters, "sample");
        double deduplicatedBefore = ServiceMeters.deduplicated(meters);

        events.send(GeneratorService.CHECKPOINTS_CHANNEL, checkpoint);

        await().atMost(InMemoryEvents.TIMEOUT).until(() -> ServiceMeters.deduplicated(meters) > deduplicatedBefore);
        assertEquals(1, events.published(CorpusGenerated.class, "redelivered").size(),
                "the in-memory dedupe suppresses the repeated event");
        assertEquals(samplingsBefore, ServiceMeters.computations(meters, "sample"));
    }
}
