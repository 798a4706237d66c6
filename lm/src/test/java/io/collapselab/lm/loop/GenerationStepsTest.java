package io.collapselab.lm.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.collapselab.experiment.CorpusSize;
import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.ModelSettings;
import io.collapselab.lm.RealText;
import io.collapselab.lm.metrics.RealTextProfile;
import io.collapselab.lm.metrics.TokenCycles;
import io.collapselab.lm.model.Checkpoint;
import io.collapselab.lm.model.GptConfig;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.sample.CorpusTokens;
import io.collapselab.lm.tokenizer.BpeTokenizer;
import io.collapselab.lm.tokenizer.ByteTokenizer;
import io.collapselab.lm.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class GenerationStepsTest {

    /** A small, short variant of the loop test's config, with dropout on, so that training draws from the engine. */
    private static final ExperimentConfig TINY = SelfTrainingLoopTest.COLLAPSING
            .withModel(new ModelSettings(1, 2, 32, 16, 0.1f, ModelSettings.BYTE_TOKENIZER, 0))
            .withPretraining(SelfTrainingLoopTest.COLLAPSING.pretraining().withSteps(30))
            .withSeed(7);

    /** A held-out text of a few windows, enough for models that need not have learnt anything. */
    private static final byte[] HELDOUT = "On real held-out text each generation is measured for how far it has"
            .repeat(8).getBytes(StandardCharsets.UTF_8);

    @Test
    void trainingsStartedAtOnceInOneProcessGiveWhatTheyGiveOneAfterTheOther() throws Exception {
        byte[] text = RealText.train(50_000);
        List<ExperimentConfig> runs = List.of(TINY, TINY.withSeed(8), TINY.withSeed(9));
        List<String> oneAfterTheOther = runs.stream()
                .map(config -> GenerationSteps.pretrain(config, text, Progress.NONE).sha256()).toList();

        ExecutorService threads = Executors.newFixedThreadPool(runs.size());
        try {
            List<Future<String>> atOnce = runs.stream().map(config -> threads.submit(() ->
                    GenerationSteps.pretrain(config, text, Progress.NONE).sha256())).toList();
            for (int i = 0; i < runs.size(); i++) {
                assertEquals(oneAfterTheOther.get(i), atOnce.get(i).get(), "run with seed " + runs.get(i).seed());
            }
        } finally {
            threads.shutdownNow();
        }
        assertNotEquals(oneAfterTheOther.get(0), oneAfterTheOther.get(1));
    }

    /** The paper builds AdamW after loading the model: pre-training's steps must not reach self-training. */
    @Test
    void theFirstSelfTrainedGenerationStartsAFreshOptimizerAndLaterOnesCarryIt() {
        byte[] text = RealText.train(50_000);
        int steps = TINY.selfTraining().steps();
        GenerationSteps.TrainedCheckpoint generation0 = GenerationSteps.pretrain(TINY, text, Progress.NONE);
        GenerationSteps.TrainedCheckpoint generation1 =
                GenerationSteps.trainNext(TINY, generation0.checkpoint(), generation0.trainingState(), text, 1,
                        Progress.NONE);
        GenerationSteps.TrainedCheckpoint generation2 =
                GenerationSteps.trainNext(TINY, generation1.checkpoint(), generation1.trainingState(), text, 2,
                        Progress.NONE);

        assertEquals(TINY.pretraining().steps(), optimizerSteps(generation0));
        assertEquals(steps, optimizerSteps(generation1));
        assertEquals(2L * steps, optimizerSteps(generation2));
    }

    @Test
    void anEpochsBudgetTrainsAsManyStepsAsTheTextTakesAndRecordsThem() {
        // Bytes are tokens here; a step sees 16 windows of 16 predicted tokens, 256 tokens.
        ExperimentConfig epochs = TINY.withSelfTraining(TINY.selfTraining().withEpochs(1));
        GenerationSteps.TrainedCheckpoint parent = GenerationSteps.pretrain(
                TINY.withPretraining(TINY.pretraining().withSteps(1)), RealText.train(4_096), Progress.NONE);

        GenerationSteps.TrainedCheckpoint small =
                GenerationSteps.trainNext(epochs, parent.checkpoint(), parent.trainingState(),
                        RealText.train(2_560), 1, Progress.NONE);
        GenerationSteps.TrainedCheckpoint twice =
                GenerationSteps.trainNext(epochs, parent.checkpoint(), parent.trainingState(),
                        RealText.train(5_120), 1, Progress.NONE);

        assertEquals(10, small.steps());
        assertEquals(10, optimizerSteps(small));
        assertEquals(10L * 256, small.tokensSeen());
        assertEquals(20, twice.steps());
        assertEquals(20, optimizerSteps(twice));
    }

    @Test
    void aCorpusOfTheRealSizeSamplesAsManyTokensAsTheRealTextHas() {
        byte[] text = RealText.train(1_000);
        ExperimentConfig realSize = TINY.withPretraining(TINY.pretraining().withSteps(1))
                .withSampling(TINY.sampling().withTokensPerGeneration(CorpusSize.parse("0.5x real-size")));
        GenerationSteps.TrainedCheckpoint trained = GenerationSteps.pretrain(realSize, text, Progress.NONE);
        Tokenizer tokenizer = Checkpoint.readTokenizer(trained.checkpoint());

        int corpusTokens = GenerationSteps.corpusTokens(realSize, tokenizer, () -> text);
        GenerationSteps.SampledCorpus corpus =
                GenerationSteps.sample(realSize, trained.checkpoint(), corpusTokens, 0, Progress.NONE);

        assertEquals(500, corpusTokens);
        // 16 sequences of ceil(500 / 16) = 32 tokens each.
        assertEquals(16 * 32, corpus.tokenCount());
        assertEquals(TINY.sampling().tokensPerGeneration().tokens(), GenerationSteps.corpusTokens(TINY, tokenizer,
                () -> {
                    throw new AssertionError("a number of tokens needs no real text");
                }));
    }

    private static long optimizerSteps(GenerationSteps.TrainedCheckpoint trained) {
        try (LanguageModel model = Checkpoint.read(trained.checkpoint(), trained.trainingState())) {
            return model.optimizer().stepCount();
        }
    }

    /**
     * A loop of five ids, one of its words sampled byte by byte (" c", "a", "t" where the BPE has " cat"), whose last
     * repeat stops inside that word: the ids end periodic, but the decoded text encodes back into " the", " cat"
     * pairs ending in a lone " c", which breaks the period.
     */
    @Test
    void theCycleIsFoundInTheSampledIdsWhereEncodingTheTextAgainLosesIt() {
        BpeTokenizer bpe = BpeTokenizer.train("the cat sat on the mat. ".repeat(40).getBytes(StandardCharsets.UTF_8),
                300);
        int the = bpe.encode(" the")[0];
        assertEquals(1, bpe.encode(" the").length);
        assertEquals(1, bpe.encode(" cat").length);
        int[] loop = {the, ' ', 'c', 'a', 't'};
        int[] ids = IntStream.range(0, 10 * loop.length + 3).map(i -> loop[i % loop.length]).toArray();
        byte[] corpus = bpe.decode(ids);

        GenerationSteps.CorpusEvaluation text = GenerationSteps.evaluateCorpus(TINY, corpus, ids,
                RealTextProfile.of(corpus, 0.1));

        assertEquals(5, text.cycleLength());
        assertEquals(0, TokenCycles.shortestTrailingCycle(bpe.encode(corpus)));
    }

    @Test
    void aCorpusIsTheDecodingOfTheIdsItKeeps() {
        byte[] checkpoint = freshCheckpoint(TINY);

        GenerationSteps.SampledCorpus sampled = GenerationSteps.sample(TINY, checkpoint,
                GenerationSteps.corpusTokens(TINY, ByteTokenizer.INSTANCE, () -> new byte[0]), 0, Progress.NONE);

        assertArrayEquals(sampled.corpus(), ByteTokenizer.INSTANCE.decode(sampled.tokens()));
        assertEquals(sampled.tokenCount() + TINY.sampling().sequences(), sampled.tokens().length, "one prompt token"
                + " a sequence");
        assertArrayEquals(sampled.tokens(), CorpusTokens.fromBytes(CorpusTokens.toBytes(sampled.tokens())));
    }

    @Test
    void theWholeTextIsEveryGenerationsFigureByDefault() {
        byte[] checkpoint = freshCheckpoint(TINY);

        GenerationSteps.CheckpointEvaluation evaluation =
                GenerationSteps.evaluate(TINY, checkpoint, HELDOUT, 1, Progress.NONE);

        assertEquals(EvaluationSettings.WHOLE_TEXT, evaluation.heldoutMethod());
        assertSame(evaluation.heldout(), evaluation.wholeText());
        assertEquals(HELDOUT.length - 1, evaluation.tokens());
    }

    @Test
    void theWindowEstimateEveryGenerationAndTheWholeTextOnSchedule() {
        EvaluationSettings e = TINY.evaluation();
        ExperimentConfig windows = TINY.withGenerations(3).withEvaluation(new EvaluationSettings(e.maxHeldoutTokens(),
                e.batchSize(), e.tailQuantile(), e.excerptChars(), EvaluationSettings.WINDOWS, 12, 2));
        byte[] checkpoint = freshCheckpoint(windows);

        List<GenerationSteps.CheckpointEvaluation> generations = IntStream.rangeClosed(0, 3)
                .mapToObj(g -> GenerationSteps.evaluate(windows, checkpoint, HELDOUT, g, Progress.NONE)).toList();

        int context = windows.model().contextLength();
        for (GenerationSteps.CheckpointEvaluation evaluation : generations) {
            assertEquals(EvaluationSettings.WINDOWS, evaluation.heldoutMethod());
            assertEquals(12L * context, evaluation.heldout().tokens());
        }
        assertNotNull(generations.get(0).wholeText());
        assertNull(generations.get(1).wholeText());
        assertNotNull(generations.get(2).wholeText());
        assertNotNull(generations.get(3).wholeText(), "the last generation");
        assertEquals(HELDOUT.length - 1, generations.get(0).wholeText().tokens());
        assertEquals(12L * context + HELDOUT.length - 1, generations.get(0).tokens());
        assertEquals(generations.get(0).wholeText().loss(), generations.get(2).wholeText().loss());
        // The same model: only the windows, drawn per generation, differ.
        assertNotEquals(generations.get(1).heldoutLoss(), generations.get(2).heldoutLoss());
        assertEquals(generations.get(1).heldoutLoss(),
                GenerationSteps.evaluate(windows, checkpoint, HELDOUT, 1, Progress.NONE).heldoutLoss());
    }

    private static byte[] freshCheckpoint(ExperimentConfig config) {
        ModelSettings m = config.model();
        GptConfig gpt = new GptConfig(m.layers(), m.heads(), m.width(), m.contextLength(), 256, m.dropout());
        try (LanguageModel model = LanguageModel.create(gpt, ByteTokenizer.INSTANCE, 3)) {
            return Checkpoint.weights(model);
        }
    }
}
