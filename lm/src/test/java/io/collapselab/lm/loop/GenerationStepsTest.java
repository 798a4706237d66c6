package io.collapselab.lm.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.collapselab.experiment.CorpusSize;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.ModelSettings;
import io.collapselab.lm.RealText;
import io.collapselab.lm.model.Checkpoint;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.tokenizer.Tokenizer;
import java.util.List;
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
                GenerationSteps.trainNext(TINY, generation0.checkpoint(), text, 1, Progress.NONE);
        GenerationSteps.TrainedCheckpoint generation2 =
                GenerationSteps.trainNext(TINY, generation1.checkpoint(), text, 2, Progress.NONE);

        assertEquals(TINY.pretraining().steps(), optimizerSteps(generation0));
        assertEquals(steps, optimizerSteps(generation1));
        assertEquals(2L * steps, optimizerSteps(generation2));
    }

    @Test
    void anEpochsBudgetTrainsAsManyStepsAsTheTextTakesAndRecordsThem() {
        // Bytes are tokens here; a step sees 16 windows of 16 predicted tokens, 256 tokens.
        ExperimentConfig epochs = TINY.withSelfTraining(TINY.selfTraining().withEpochs(1));
        byte[] parent = GenerationSteps.pretrain(TINY.withPretraining(TINY.pretraining().withSteps(1)),
                RealText.train(4_096), Progress.NONE).checkpoint();

        GenerationSteps.TrainedCheckpoint small =
                GenerationSteps.trainNext(epochs, parent, RealText.train(2_560), 1, Progress.NONE);
        GenerationSteps.TrainedCheckpoint twice =
                GenerationSteps.trainNext(epochs, parent, RealText.train(5_120), 1, Progress.NONE);

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
        try (LanguageModel model = Checkpoint.read(trained.checkpoint())) {
            return model.optimizer().stepCount();
        }
    }
}
