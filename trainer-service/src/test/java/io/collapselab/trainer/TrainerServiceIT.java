package io.collapselab.trainer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.EvaluationCompleted;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.RunRequested;
import io.collapselab.events.json.EventJson;
import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.MixingSettings;
import io.collapselab.experiment.RetentionSettings;
import io.collapselab.lm.Sha256;
import io.collapselab.lm.loop.AnchorInputs;
import io.collapselab.lm.loop.GenerationSteps.SampledCorpus;
import io.collapselab.lm.loop.GenerationSteps.TrainedCheckpoint;
import io.collapselab.lm.loop.GenerationSteps;
import io.collapselab.lm.loop.Progress;
import io.collapselab.lm.loop.TrainingMix;
import io.collapselab.lm.model.Checkpoint;
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

/** The trainer's work, checked bit for bit against the same steps run in the test. */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
class TrainerServiceIT implements LongWorkChannels {

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
        return List.of(TrainerService.RUNS_CHANNEL, TrainerService.CORPORA_CHANNEL,
                TrainerService.EVALUATIONS_CHANNEL);
    }

    @Test
    void trainsGenerationZeroOnTheRealTrainingText() {
        ExperimentConfig config = TestRuns.tinyConfig();
        RunRequested request = submit("pretrain", config);

        CheckpointPublished published = events.awaitPublished(CheckpointPublished.class, "pretrain", 0);

        TrainedCheckpoint expected = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);
        assertEquals(expected.sha256(), published.checkpoint().sha256());
        assertEquals(ObjectKey.checkpoint("pretrain", 0).toUri(store.settings().bucket()),
                published.checkpoint().uri());
        assertArrayEquals(expected.checkpoint(),
                store.get(ObjectKey.checkpoint("pretrain", 0), published.checkpoint().sha256()));
        assertNull(published.parentCheckpointSha256());
        assertEquals(request.inputs().train().sha256(), published.trainedOnSha256());
        assertEquals(config.pretraining().steps(), published.steps());
        assertEquals(expected.tokensSeen(), published.tokensSeen());
        assertEquals(expected.trainLoss(), published.trainLoss());
    }

    @Test
    void trainsTheNextGenerationOnTheLatestCorpus() {
        ExperimentConfig config = TestRuns.tinyConfig();
        events.register(store, "next", config);
        TrainedCheckpoint generation0 = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);
        CorpusGenerated corpus0 = upload("next", config, generation0, 0);

        events.send(TrainerService.CORPORA_CHANNEL, corpus0);
        CheckpointPublished published = events.awaitPublished(CheckpointPublished.class, "next", 1);

        byte[] corpus = store.get(ObjectKey.corpus("next", 0), corpus0.corpus().sha256());
        byte[] mix = TrainingMix.forGeneration(config, TestRuns.trainText(), List.of(corpus), 1);
        TrainedCheckpoint expected = GenerationSteps.trainNext(config, generation0.checkpoint(), mix, 1,
                Progress.NONE);
        assertEquals(expected.sha256(), published.checkpoint().sha256());
        assertEquals(generation0.sha256(), published.parentCheckpointSha256());
        assertEquals(Sha256.hex(mix), published.trainedOnSha256());
        assertEquals(config.selfTraining().steps(), published.steps());
    }

    @Test
    void accumulateTrainsOnTheRealTextAndEveryCorpusSoFar() {
        ExperimentConfig config = TestRuns.tinyConfig().withMixing(new MixingSettings(MixingSettings.ACCUMULATE, 0));
        events.register(store, "accumulate", config);
        TrainedCheckpoint generation0 = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);
        CorpusGenerated corpus0 = upload("accumulate", config, generation0, 0);
        byte[] c0 = store.get(ObjectKey.corpus("accumulate", 0), corpus0.corpus().sha256());
        byte[] mix1 = TrainingMix.forGeneration(config, TestRuns.trainText(), List.of(c0), 1);
        TrainedCheckpoint generation1 = GenerationSteps.trainNext(config, generation0.checkpoint(), mix1, 1,
                Progress.NONE);
        CorpusGenerated corpus1 = upload("accumulate", config, generation1, 1);

        events.send(TrainerService.CORPORA_CHANNEL, corpus1);
        CheckpointPublished published = events.awaitPublished(CheckpointPublished.class, "accumulate", 2);

        byte[] c1 = store.get(ObjectKey.corpus("accumulate", 1), corpus1.corpus().sha256());
        byte[] mix2 = TrainingMix.forGeneration(config, TestRuns.trainText(), List.of(c0, c1), 2);
        assertEquals(TestRuns.trainText().length + c0.length + c1.length, mix2.length);
        assertEquals(Sha256.hex(mix2), published.trainedOnSha256());
        assertEquals(GenerationSteps.trainNext(config, generation1.checkpoint(), mix2, 2, Progress.NONE).sha256(),
                published.checkpoint().sha256());
    }

    @Test
    void accumulateSubsampleTrainsOnASubsampleOfThePoolForTheStepsItsEpochTakes() {
        ExperimentConfig tiny = TestRuns.tinyConfig();
        ExperimentConfig config = tiny.withMixing(new MixingSettings(MixingSettings.ACCUMULATE_SUBSAMPLE, 0))
                .withSelfTraining(tiny.selfTraining().withEpochs(1));
        events.register(store, "subsample", config);
        TrainedCheckpoint generation0 = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);
        CorpusGenerated corpus0 = upload("subsample", config, generation0, 0);

        events.send(TrainerService.CORPORA_CHANNEL, corpus0);
        CheckpointPublished published = events.awaitPublished(CheckpointPublished.class, "subsample", 1);

        byte[] c0 = store.get(ObjectKey.corpus("subsample", 0), corpus0.corpus().sha256());
        byte[] mix = TrainingMix.forGeneration(config, TestRuns.trainText(), List.of(c0), 1);
        assertEquals(c0.length, mix.length);
        assertEquals(Sha256.hex(mix), published.trainedOnSha256());
        // Byte-level: one epoch of the subsample in steps of 4 windows of 32 tokens.
        assertEquals((int) Math.ceil(mix.length / 128.0), published.steps());
        assertEquals(GenerationSteps.trainNext(config, generation0.checkpoint(), mix, 1, Progress.NONE).sha256(),
                published.checkpoint().sha256());
    }

    /** An anchored run reads generation 0 through the CheckpointPublished its trainer recorded beside it (upload). */
    @Test
    void anAnchoredRunTrainsAgainstGenerationZeroAndTheRealTextAsTheLoopDoes() {
        ExperimentConfig tiny = TestRuns.tinyConfig();
        ExperimentConfig config = tiny.withSelfTraining(tiny.selfTraining().withAnchors(2.0, 0.5));
        events.register(store, "anchored", config);
        TrainedCheckpoint generation0 = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);
        CorpusGenerated corpus0 = upload("anchored", config, generation0, 0);
        AnchorInputs anchors = new AnchorInputs(generation0.checkpoint(), TestRuns.trainText());
        byte[] c0 = store.get(ObjectKey.corpus("anchored", 0), corpus0.corpus().sha256());
        TrainedCheckpoint generation1 = GenerationSteps.trainNext(config, generation0.checkpoint(),
                TrainingMix.forGeneration(config, TestRuns.trainText(), List.of(c0), 1), 1, anchors, Progress.NONE);
        CorpusGenerated corpus1 = upload("anchored", config, generation1, 1);

        events.send(TrainerService.CORPORA_CHANNEL, corpus1);
        CheckpointPublished published = events.awaitPublished(CheckpointPublished.class, "anchored", 2);

        byte[] c1 = store.get(ObjectKey.corpus("anchored", 1), corpus1.corpus().sha256());
        byte[] mix = TrainingMix.forGeneration(config, TestRuns.trainText(), List.of(c1), 2);
        assertEquals(GenerationSteps.trainNext(config, generation1.checkpoint(), mix, 2, anchors, Progress.NONE)
                .sha256(), published.checkpoint().sha256());
        assertNotEquals(GenerationSteps.trainNext(tiny, generation1.checkpoint(), mix, 2, Progress.NONE).sha256(),
                published.checkpoint().sha256(), "the anchors changed the generation");
    }

    @Test
    void neverTrainsPastTheLastGeneration() {
        ExperimentConfig config = TestRuns.tinyConfig().withGenerations(0);
        events.register(store, "last", config);
        TrainedCheckpoint generation0 = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);
        CorpusGenerated lastCorpus = upload("last", config, generation0, 0);
        double handledBefore = ServiceMeters.handled(meters, "CorpusGenerated");

        events.send(TrainerService.CORPORA_CHANNEL, lastCorpus);

        await().atMost(InMemoryEvents.TIMEOUT)
                .until(() -> ServiceMeters.handled(meters, "CorpusGenerated") > handledBefore);
        assertEquals(List.of(), events.published(CheckpointPublished.class, "last"));
        assertFalse(store.exists(ObjectKey.checkpoint("last", 1)));
    }

    @Test
    void aRedeliveredRequestIsDroppedWithoutTrainingAgain() {
        ExperimentConfig config = TestRuns.tinyConfig();
        RunRequested request = submit("redelivered", config);
        events.awaitPublished(CheckpointPublished.class, "redelivered", 0);
        double trainingsBefore = ServiceMeters.computations(meters, "train");
        double deduplicatedBefore = ServiceMeters.deduplicated(meters);

        events.send(TrainerService.RUNS_CHANNEL, request);

        await().atMost(InMemoryEvents.TIMEOUT).until(() -> ServiceMeters.deduplicated(meters) > deduplicatedBefore);
        assertEquals(1, events.published(CheckpointPublished.class, "redelivered").size(),
                "the in-memory dedupe suppresses the repeated event");
        assertEquals(trainingsBefore, ServiceMeters.computations(meters, "train"));
    }

    @Test
    void aRecordedEventIsPublishedAgainInsteadOfTraining() {
        ExperimentConfig config = TestRuns.tinyConfig();
        // What a replica that crashed after recording its event, but before publishing it, left behind.
        CheckpointPublished recorded = CheckpointPublished.of("crashed", 0, Instant.parse("2024-05-01T12:00:00Z"),
                TestRuns.SUBMITTER, new ObjectRef(ObjectKey.checkpoint("crashed", 0).toUri(store.settings().bucket()),
                        "a".repeat(64), 1234), null, "b".repeat(64), 8, 256, 3.5, 1000);
        store.put(ObjectKey.generationFile("crashed", 0, ObjectOutbox.CHECKPOINT_EVENT), EventJson.toBytes(recorded));
        double trainingsBefore = ServiceMeters.computations(meters, "train");

        submit("crashed", config);

        assertEquals(recorded, events.awaitPublished(CheckpointPublished.class, "crashed", 0));
        assertEquals(trainingsBefore, ServiceMeters.computations(meters, "train"));
        assertFalse(store.exists(ObjectKey.checkpoint("crashed", 0)));
    }

    @Test
    void retentionRemovesACheckpointOnceItIsEvaluatedAndNoLongerAmongTheNewest() {
        ExperimentConfig config = TestRuns.tinyConfig().withGenerations(3)
                .withRetention(new RetentionSettings(3, 1));
        submit("retained", config);
        CheckpointPublished checkpoint0 = events.awaitPublished(CheckpointPublished.class, "retained", 0);
        sendCorpusOf("retained", config, checkpoint0);
        CheckpointPublished checkpoint1 = events.awaitPublished(CheckpointPublished.class, "retained", 1);

        double evaluationsHandled = ServiceMeters.handled(meters, "EvaluationCompleted");
        sendEvaluationOf("retained", checkpoint1);
        await().atMost(InMemoryEvents.TIMEOUT)
                .until(() -> ServiceMeters.handled(meters, "EvaluationCompleted") > evaluationsHandled);
        assertTrue(store.exists(ObjectKey.checkpoint("retained", 1)), "checkpoint 1 is still the newest");

        sendCorpusOf("retained", config, checkpoint1);
        CheckpointPublished checkpoint2 = events.awaitPublished(CheckpointPublished.class, "retained", 2);
        await().atMost(InMemoryEvents.TIMEOUT).until(() -> !store.exists(ObjectKey.checkpoint("retained", 1)));

        sendCorpusOf("retained", config, checkpoint2);
        CheckpointPublished checkpoint3 = events.awaitPublished(CheckpointPublished.class, "retained", 3);
        assertTrue(store.exists(ObjectKey.checkpoint("retained", 2)), "generation 2 is not evaluated yet");
        sendEvaluationOf("retained", checkpoint2);
        await().atMost(InMemoryEvents.TIMEOUT).until(() -> !store.exists(ObjectKey.checkpoint("retained", 2)));

        assertTrue(store.exists(ObjectKey.checkpoint("retained", 0)), "every 3rd generation stays");
        assertTrue(store.exists(ObjectKey.checkpoint("retained", 3)), "the newest stays");
        assertEquals(checkpoint3.checkpoint().sha256(),
                store.stat(ObjectKey.checkpoint("retained", 3)).orElseThrow().sha256());
        assertTrue(files("retained").containsAll(List.of(ObjectKey.generationFile("retained", 1,
                ObjectOutbox.CHECKPOINT_EVENT), ObjectKey.corpus("retained", 1))), "only checkpoints are removed");
    }

    /** Samples and records the corpus of a published checkpoint as the generator would, and sends its event. */
    private void sendCorpusOf(String runId, ExperimentConfig config, CheckpointPublished published) {
        byte[] checkpoint = store.get(ObjectKey.checkpoint(runId, published.generation()),
                published.checkpoint().sha256());
        int generation = published.generation();
        SampledCorpus corpus = GenerationSteps.sample(config, checkpoint,
                GenerationSteps.corpusTokens(config, Checkpoint.readTokenizer(checkpoint), TestRuns::trainText),
                generation, Progress.NONE);
        ObjectRef stored = TestRuns.ref(store.put(ObjectKey.corpus(runId, generation), corpus.corpus()));
        ObjectRef tokens = TestRuns.ref(store.put(ObjectKey.corpusTokens(runId, generation),
                CorpusTokens.toBytes(corpus.tokens())));
        events.send(TrainerService.CORPORA_CHANNEL, TestRuns.record(store, ObjectOutbox.CORPUS_EVENT,
                CorpusGenerated.of(runId, generation, Instant.now(), TestRuns.SUBMITTER, stored, tokens,
                        corpus.tokenCount(), published.checkpoint().sha256(), config.sampling(),
                        Rng.derive(config.seed(), generation, SeedRole.SAMPLING))));
    }

    /** Records an evaluation of the checkpoint's generation as the evaluator would, and sends its event. */
    private void sendEvaluationOf(String runId, CheckpointPublished checkpoint) {
        EvaluationCompleted evaluation = EvaluationCompleted.of(runId, checkpoint.generation(), Instant.now(),
                TestRuns.SUBMITTER, new EvaluationCompleted.Metrics(1.5, Math.exp(1.5), EvaluationSettings.WHOLE_TEXT,
                        1_000L, 2.0, 9.0, 1.5, Math.exp(1.5), 2.0, 9.0, 1_000L, 0.5, 0.6, 0.7, 0.1, 5.0, 0.2, 0.0, 0),
                "excerpt", false, checkpoint.checkpoint().sha256(), "b".repeat(64));
        events.send(TrainerService.EVALUATIONS_CHANNEL, TestRuns.record(store, ObjectOutbox.EVALUATION_EVENT,
                evaluation));
    }

    private List<ObjectKey> files(String runId) {
        return store.list(runId).stream().map(stored -> stored.key()).toList();
    }

    private RunRequested submit(String runId, ExperimentConfig config) {
        RunRequested request = events.register(store, runId, config);
        events.send(TrainerService.RUNS_CHANNEL, request);
        return request;
    }

    /**
     * Stores a checkpoint and the corpus sampled from it, and records their announcements, as the pipeline would
     * (the trainer finds earlier corpora through the CorpusGenerated the generator recorded beside them); returns
     * the corpus's announcement.
     */
    private CorpusGenerated upload(String runId, ExperimentConfig config, TrainedCheckpoint checkpoint,
                                   int generation) {
        ObjectRef checkpointRef = TestRuns.ref(store.put(ObjectKey.checkpoint(runId, generation),
                checkpoint.checkpoint()));
        TestRuns.record(store, ObjectOutbox.CHECKPOINT_EVENT, CheckpointPublished.of(runId, generation,
                Instant.now(), TestRuns.SUBMITTER, checkpointRef, null, "a".repeat(64), checkpoint.steps(),
                checkpoint.tokensSeen(), checkpoint.trainLoss(), 1));
        SampledCorpus corpus = GenerationSteps.sample(config, checkpoint.checkpoint(),
                TestRuns.corpusTokens(config, checkpoint), generation, Progress.NONE);
        ObjectRef stored = TestRuns.ref(store.put(ObjectKey.corpus(runId, generation), corpus.corpus()));
        ObjectRef tokens = TestRuns.ref(store.put(ObjectKey.corpusTokens(runId, generation),
                CorpusTokens.toBytes(corpus.tokens())));
        return TestRuns.record(store, ObjectOutbox.CORPUS_EVENT, CorpusGenerated.of(runId, generation, Instant.now(),
                TestRuns.SUBMITTER, stored, tokens, corpus.tokenCount(), checkpoint.sha256(), config.sampling(),
                Rng.derive(config.seed(), generation, SeedRole.SAMPLING)));
    }
}
