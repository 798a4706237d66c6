package io.collapselab.lm.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.collapselab.lm.RealText;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class GenerationStepsTest {

    /** Dropout on, so that training draws from the engine's random generator. */
    private static final ExperimentConfig TINY = new ExperimentConfig("tiny",
            new ModelSettings(1, 2, 32, 16, 0.1f, ModelSettings.BYTE_TOKENIZER, 0),
            new TrainingSettings(30, 8, 3e-3, 3e-3, TrainingSettings.CONSTANT, 0, 0.9, 0.95, 0.1, 1.0, false),
            new TrainingSettings(10, 8, 3e-3, 3e-3, TrainingSettings.CONSTANT, 0, 0.9, 0.95, 0.1, 1.0, true),
            1,
            new SamplingSettings(256, 4, 1.0, 0, 1.0, "\n", true),
            new MixingSettings(MixingSettings.REPLACE, 0),
            new EvaluationSettings(4_096, 16, 0.1, 80),
            new CollapsePolicy(0.0, 0, false),
            7);

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
}
