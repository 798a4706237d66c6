package io.collapselab.lm.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.ModelSettings;
import io.collapselab.lm.RealText;
import io.collapselab.lm.model.Checkpoint;
import io.collapselab.lm.model.LanguageModel;
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

    private static long optimizerSteps(GenerationSteps.TrainedCheckpoint trained) {
        try (LanguageModel model = Checkpoint.read(trained.checkpoint())) {
            return model.optimizer().stepCount();
        }
    }
}
