package io.collapselab.lm.train;

import io.collapselab.experiment.TrainingSettings;
import io.collapselab.lm.RealText;
import io.collapselab.lm.Sha256;
import io.collapselab.lm.model.Checkpoint;
import io.collapselab.lm.model.GptConfig;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Train 2N steps, or N steps, save, load in a fresh JVM, N more: the weights must be bit-identical. */
class ResumeTest {

    static final GptConfig CONFIG = new GptConfig(2, 2, 32, 32, 256, 0f);
    static final TrainingSettings SETTINGS = new TrainingSettings(10, 4, 3e-3, 3e-4, TrainingSettings.COSINE, 2,
            0.9, 0.95, 0.1, 1.0, true);
    static final int N = 5;

    @Test
    void resumingInAFreshProcessIsBitIdenticalToTrainingStraightThrough(@TempDir Path dir) throws Exception {
        byte[] text = RealText.train(40_000);
        int[] tokens = ByteTokenizer.INSTANCE.encode(text);
        String straight;
        String halfway;
        Path weights = dir.resolve("half.bin");
        Path trainingState = dir.resolve("half-training-state.bin");
        try (LanguageModel model = LanguageModel.create(CONFIG, ByteTokenizer.INSTANCE, 1)) {
            Trainer.beginPhase(model, 2, true);
            Trainer.train(model, SETTINGS, tokens, N, null);
            Files.write(weights, Checkpoint.weights(model));
            Files.write(trainingState, Checkpoint.trainingState(model));
            halfway = digest(model);
            Trainer.train(model, SETTINGS, tokens, N, null);
            straight = digest(model);
        }
        Path textFile = Files.write(dir.resolve("train.txt"), text);
        Path out = dir.resolve("resumed.txt");
        runInFreshJvm(weights, trainingState, textFile, out);
        String resumed = Files.readString(out);
        assertEquals(straight, resumed);
        assertNotEquals(halfway, resumed);
    }

    /** The digests of both checkpoint objects of a model. */
    static String digest(LanguageModel model) {
        return Sha256.hex(Checkpoint.weights(model)) + " " + Sha256.hex(Checkpoint.trainingState(model));
    }

    private static void runInFreshJvm(Path weights, Path trainingState, Path text, Path out) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        for (String property : List.of("DJL_CACHE_DIR", "ai.djl.offline", "ai.djl.pytorch.num_threads",
                "ai.djl.pytorch.num_interop_threads", "org.slf4j.simpleLogger.defaultLogLevel")) {
            String value = System.getProperty(property);
            if (value != null) {
                command.add("-D" + property + "=" + value);
            }
        }
        command.add(ResumeMain.class.getName());
        command.add(weights.toString());
        command.add(trainingState.toString());
        command.add(text.toString());
        command.add(Integer.toString(N));
        command.add(out.toString());
        Process process = new ProcessBuilder(command).inheritIO().start();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "resume process did not finish");
        assertEquals(0, process.exitValue(), "resume process failed");
    }
}
