package io.collapselab.evaluator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.EvaluationCompleted;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunRequested;
import io.collapselab.experiment.CollapsePolicy;
import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.lm.Sha256;
import io.collapselab.lm.loop.GenerationSteps.CheckpointEvaluation;
import io.collapselab.lm.loop.GenerationSteps.CorpusEvaluation;
import io.collapselab.lm.loop.GenerationSteps.SampledCorpus;
import io.collapselab.lm.loop.GenerationSteps.TrainedCheckpoint;
import io.collapselab.lm.loop.GenerationSteps;
import io.collapselab.lm.loop.Progress;
import io.collapselab.lm.metrics.RealTextProfile;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.random.SeedRole;
import io.collapselab.lm.sample.CorpusTokens;
import io.collapselab.lm.tokenizer.ByteTokenizer;
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
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The evaluator's measurements, checked against the same steps run in the test, and how it ends runs. */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
class EvaluatorServiceIT implements LongWorkChannels {

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
        return List.of(EvaluatorService.GENERATIONS_CHANNEL);
    }

    @Test
    void evaluatesAGenerationOnceBothHalvesAreKnown() {
        ExperimentConfig config = TestRuns.tinyConfig();
        RunRequested request = events.register(store, "both", config);
        TrainedCheckpoint checkpoint = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);
        SampledCorpus sampled = GenerationSteps.sample(config, checkpoint.checkpoint(),
                TestRuns.corpusTokens(config, checkpoint), 0, Progress.NONE);
        byte[] corpus = sampled.corpus();

        events.send(EvaluatorService.GENERATIONS_CHANNEL, TestRuns.checkpointPublished(store, request, checkpoint, 0));
        await().atMost(InMemoryEvents.TIMEOUT).until(() -> store.exists(
                ObjectKey.generationFile("both", 0, EvaluatorService.HELDOUT_EVALUATION)));
        assertEquals(List.of(), events.published(EvaluationCompleted.class, "both"), "only one half is known");
        assertEquals(1.0, evaluatorLag("both"), "checkpoint 0 taken, no generation evaluated yet");
        long delaysBefore = evaluationDelays();
        events.send(EvaluatorService.GENERATIONS_CHANNEL, corpusGenerated(request, checkpoint, corpus,
                sampled.tokens(), 0));
        EvaluationCompleted evaluation = events.awaitPublished(EvaluationCompleted.class, "both", 0);

        CheckpointEvaluation heldout = GenerationSteps.evaluate(config, checkpoint.checkpoint(),
                TestRuns.heldoutText(), 0, Progress.NONE);
        CorpusEvaluation text = GenerationSteps.evaluateCorpus(config, corpus, sampled.tokens(),
                RealTextProfile.of(TestRuns.trainText(), config.evaluation().tailQuantile()));
        assertEquals(heldout.heldoutLoss(), evaluation.heldoutLoss());
        assertEquals(heldout.heldoutPerplexity(), evaluation.heldoutPerplexity());
        assertEquals(EvaluationSettings.WHOLE_TEXT, evaluation.heldoutMethod());
        assertEquals(heldout.heldout().tokens(), evaluation.heldoutTokens());
        assertEquals(heldout.heldout().bitsPerByte(), evaluation.heldoutBitsPerByte());
        assertEquals(heldout.heldout().wordPerplexity(), evaluation.heldoutWordPerplexity());
        assertEquals(heldout.heldoutLoss(), evaluation.wholeTextLoss());
        assertEquals(heldout.heldout().tokens(), evaluation.wholeTextTokens());
        assertEquals(text.metrics().unseenWordShare(), evaluation.unseenWordShare());
        assertEquals(text.metrics().distinct1(), evaluation.distinct1());
        assertEquals(text.metrics().distinct2(), evaluation.distinct2());
        assertEquals(text.metrics().distinct3(), evaluation.distinct3());
        assertEquals(text.metrics().repetition(), evaluation.repetition());
        assertEquals(text.metrics().entropy(), evaluation.entropy());
        assertEquals(text.metrics().tailMass(), evaluation.tailMass());
        assertEquals(text.cycleLength(), evaluation.cycleLength());
        assertEquals(text.excerpt(), evaluation.sampleExcerpt());
        assertEquals(config.collapse().isCollapsed(text.metrics().distinct2(), text.cycleLength()),
                evaluation.collapsed());
        assertEquals(checkpoint.sha256(), evaluation.checkpointSha256());
        assertEquals(Sha256.hex(corpus), evaluation.corpusSha256());
        assertEquals(List.of(), events.published(RunCompleted.class, "both"), "generation 0 of 2 is not the last");
        await().atMost(InMemoryEvents.TIMEOUT).until(() -> evaluatorLag("both") == 0.0);
        assertEquals(delaysBefore + 1, evaluationDelays(), "one checkpoint's delay until its evaluation");
    }

    private double evaluatorLag(String runId) {
        return meters.get("collapse.evaluator.lag").tag("run", runId).gauge().value();
    }

    private long evaluationDelays() {
        return meters.find("collapse.evaluation.delay").timers().stream().mapToLong(timer -> timer.count()).sum();
    }

    @Test
    void theLastGenerationCompletesTheRun() {
        ExperimentConfig config = TestRuns.tinyConfig().withGenerations(0);
        RunRequested request = events.register(store, "last", config);
        TrainedCheckpoint checkpoint = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);
        SampledCorpus sampled = GenerationSteps.sample(config, checkpoint.checkpoint(),
                TestRuns.corpusTokens(config, checkpoint), 0, Progress.NONE);

        events.send(EvaluatorService.GENERATIONS_CHANNEL, corpusGenerated(request, checkpoint, sampled.corpus(),
                sampled.tokens(), 0));
        events.send(EvaluatorService.GENERATIONS_CHANNEL, TestRuns.checkpointPublished(store, request, checkpoint, 0));

        events.awaitPublished(EvaluationCompleted.class, "last", 0);
        RunCompleted completed = events.awaitPublished(RunCompleted.class, "last", 0);
        assertEquals(RunCompleted.Reason.MAX_GENERATIONS, completed.reason());
        assertEquals(0, completed.lastGeneration());
    }

    @Test
    void aCollapsedGenerationEndsARunThatStopsOnCollapse() {
        ExperimentConfig smoke = TestRuns.tinyConfig();
        ExperimentConfig config = new ExperimentConfig(smoke.name(), smoke.model(), smoke.pretraining(),
                smoke.selfTraining(), smoke.generations(), smoke.sampling(), smoke.mixing(), smoke.evaluation(),
                new CollapsePolicy(0.5, 0, true), smoke.seed());
        RunRequested request = events.register(store, "collapsed", config);
        TrainedCheckpoint checkpoint = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);
        // A corpus such as a collapsed model writes: one short phrase over and over.
        byte[] corpus = "the cat sat on the mat . ".repeat(40).getBytes(StandardCharsets.UTF_8);

        events.send(EvaluatorService.GENERATIONS_CHANNEL, TestRuns.checkpointPublished(store, request, checkpoint, 0));
        events.send(EvaluatorService.GENERATIONS_CHANNEL, corpusGenerated(request, checkpoint, corpus,
                ByteTokenizer.INSTANCE.encode(corpus), 0));

        EvaluationCompleted evaluation = events.awaitPublished(EvaluationCompleted.class, "collapsed", 0);
        assertTrue(evaluation.collapsed());
        assertTrue(evaluation.distinct2() < 0.5, "distinct-2 " + evaluation.distinct2());
        RunCompleted completed = events.awaitPublished(RunCompleted.class, "collapsed", 0);
        assertEquals(RunCompleted.Reason.COLLAPSE_DETECTED, completed.reason());
        assertEquals(0, completed.lastGeneration());
    }

    @Test
    void aRedeliveredCheckpointIsDroppedWithoutEvaluatingAgain() {
        ExperimentConfig config = TestRuns.tinyConfig();
        RunRequested request = events.register(store, "redelivered", config);
        CheckpointPublished checkpoint = TestRuns.checkpointPublished(store, request,
                GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE), 0);
        events.send(EvaluatorService.GENERATIONS_CHANNEL, checkpoint);
        await().atMost(InMemoryEvents.TIMEOUT).until(() -> ServiceMeters.computations(meters, "evaluate") > 0);
        double evaluationsBefore = ServiceMeters.computations(meters, "evaluate");
        double deduplicatedBefore = ServiceMeters.deduplicated(meters);

        events.send(EvaluatorService.GENERATIONS_CHANNEL, checkpoint);

        await().atMost(InMemoryEvents.TIMEOUT).until(() -> ServiceMeters.deduplicated(meters) > deduplicatedBefore);
        assertEquals(evaluationsBefore, ServiceMeters.computations(meters, "evaluate"));
    }

    /**
     * A run of the window estimate, its whole-text figure every second generation: generation 1 has none, and says
     * so with nulls.
     */
    @Test
    void aGenerationOffTheWholeTextScheduleHasTheWindowEstimateAlone() {
        ExperimentConfig tiny = TestRuns.tinyConfig();
        EvaluationSettings e = tiny.evaluation();
        ExperimentConfig config = tiny.withEvaluation(new EvaluationSettings(e.maxHeldoutTokens(), e.batchSize(),
                e.tailQuantile(), e.excerptChars(), EvaluationSettings.WINDOWS, 8, 2));
        RunRequested request = events.register(store, "windows", config);
        TrainedCheckpoint checkpoint = GenerationSteps.pretrain(config, TestRuns.trainText(), Progress.NONE);
        SampledCorpus sampled = GenerationSteps.sample(config, checkpoint.checkpoint(),
                TestRuns.corpusTokens(config, checkpoint), 1, Progress.NONE);
        ObjectRef stored = TestRuns.ref(store.put(ObjectKey.checkpoint("windows", 1), checkpoint.checkpoint()));

        TestRuns.checkpointPublished(store, request, checkpoint, 0);

        events.send(EvaluatorService.GENERATIONS_CHANNEL, TestRuns.record(store, ObjectOutbox.CHECKPOINT_EVENT,
                CheckpointPublished.of("windows", 1, Instant.now(), TestRuns.SUBMITTER, stored, checkpoint.sha256(),
                        checkpoint.sha256(), 4, 512, 3.0, 1)));
        events.send(EvaluatorService.GENERATIONS_CHANNEL, corpusGenerated(request, checkpoint, sampled.corpus(),
                sampled.tokens(), 1));
        EvaluationCompleted evaluation = events.awaitPublished(EvaluationCompleted.class, "windows", 1);

        CheckpointEvaluation heldout = GenerationSteps.evaluate(config, checkpoint.checkpoint(),
                TestRuns.heldoutText(), 1, Progress.NONE);
        assertEquals(EvaluationSettings.WINDOWS, evaluation.heldoutMethod());
        assertEquals(heldout.heldoutLoss(), evaluation.heldoutLoss());
        assertEquals(8L * config.model().contextLength(), evaluation.heldoutTokens());
        assertEquals(heldout.heldout().bitsPerByte(), evaluation.heldoutBitsPerByte());
        assertNull(evaluation.wholeTextLoss());
        assertNull(evaluation.wholeTextPerplexity());
        assertNull(evaluation.wholeTextBitsPerByte());
        assertNull(evaluation.wholeTextTokens());
    }

    private CorpusGenerated corpusGenerated(RunRequested request, TrainedCheckpoint checkpoint, byte[] corpus,
                                            int[] sampledIds, int generation) {
        if (generation == 0) {
            TestRuns.checkpointPublished(store, request, checkpoint, 0);
        }
        ObjectRef stored = TestRuns.ref(store.put(ObjectKey.corpus(request.runId(), generation), corpus));
        ObjectRef tokens = TestRuns.ref(store.put(ObjectKey.corpusTokens(request.runId(), generation),
                CorpusTokens.toBytes(sampledIds)));
        return TestRuns.record(store, ObjectOutbox.CORPUS_EVENT, CorpusGenerated.of(request.runId(), generation,
                Instant.now(), TestRuns.SUBMITTER, stored, tokens, 128, checkpoint.sha256(),
                request.config().sampling(), Rng.derive(request.config().seed(), generation, SeedRole.SAMPLING)));
    }
}
