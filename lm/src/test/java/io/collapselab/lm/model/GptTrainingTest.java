package io.collapselab.lm.model;

import io.collapselab.experiment.TrainingSettings;
import io.collapselab.lm.RealText;
import io.collapselab.lm.Sha256;
import io.collapselab.lm.metrics.HeldoutEvaluator;
import io.collapselab.lm.tokenizer.BpeTokenizer;
import io.collapselab.lm.tokenizer.ByteTokenizer;
import io.collapselab.lm.tokenizer.Tokenizer;
import io.collapselab.lm.train.Trainer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GptTrainingTest {

    static final GptConfig TINY = new GptConfig(2, 2, 64, 64, 256, 0f);
    static final TrainingSettings FAST = new TrainingSettings(40, 8, 3e-3, 3e-3, TrainingSettings.CONSTANT, 0,
            0.9, 0.95, 0.1, 1.0, true);

    @Test
    void untrainedPerplexityIsNearTheVocabularySize() {
        int[] heldout = ByteTokenizer.INSTANCE.encode(RealText.heldout(8_000));
        try (LanguageModel model = LanguageModel.create(TINY, ByteTokenizer.INSTANCE, 1)) {
            double perplexity = HeldoutEvaluator.evaluate(model, heldout, 0, 16, null).perplexity();
            assertTrue(perplexity > 0.8 * 256 && perplexity < 1.25 * 256,
                    "untrained perplexity " + perplexity + " should be close to 256");
        }
    }

    @Test
    void lossFallsOnRealText() {
        int[] train = ByteTokenizer.INSTANCE.encode(RealText.train(200_000));
        int[] heldout = ByteTokenizer.INSTANCE.encode(RealText.heldout(8_000));
        try (LanguageModel model = LanguageModel.create(TINY, ByteTokenizer.INSTANCE, 1)) {
            double before = HeldoutEvaluator.evaluate(model, heldout, 0, 16, null).loss();
            Trainer.beginPhase(model, 7, true);
            double[] firstLoss = new double[1];
            double meanLoss = Trainer.train(model, FAST, train, FAST.steps(), (step, steps, loss, lr) -> {
                if (step == 0) {
                    firstLoss[0] = loss;
                }
            });
            double after = HeldoutEvaluator.evaluate(model, heldout, 0, 16, null).loss();
            assertTrue(meanLoss < firstLoss[0], "mean training loss " + meanLoss + " vs first " + firstLoss[0]);
            assertTrue(after < before - 1.0, "held-out loss should fall by over a nat: " + before + " -> " + after);
            assertEquals(FAST.steps(), model.progress().totalSteps());
            assertEquals((long) FAST.steps() * FAST.batchSize() * TINY.contextLength(), model.progress().tokensSeen());
        }
    }

    @Test
    void sameSeedGivesTheSameCheckpointAndAnotherSeedDoesNot() {
        int[] train = ByteTokenizer.INSTANCE.encode(RealText.train(50_000));
        String first = trainedDigest(train, 3, 5);
        String again = trainedDigest(train, 3, 5);
        String otherWindows = trainedDigest(train, 3, 6);
        String otherInit = trainedDigest(train, 4, 5);
        assertEquals(first, again);
        assertNotEquals(first, otherWindows);
        assertNotEquals(first, otherInit);
    }

    @Test
    void checkpointRoundTripKeepsEverything() {
        int[] train = ByteTokenizer.INSTANCE.encode(RealText.train(50_000));
        try (LanguageModel model = LanguageModel.create(TINY, ByteTokenizer.INSTANCE, 1)) {
            Trainer.beginPhase(model, 2, true);
            Trainer.train(model, FAST, train, 3, null);
            byte[] weights = Checkpoint.weights(model);
            byte[] state = Checkpoint.trainingState(model);
            try (LanguageModel restored = Checkpoint.read(weights, state)) {
                assertEquals(TINY, restored.config());
                assertEquals(model.progress(), restored.progress());
                assertEquals(3, restored.optimizer().stepCount());
                assertEquals(Sha256.hex(weights), Sha256.hex(Checkpoint.weights(restored)));
                assertEquals(Sha256.hex(state), Sha256.hex(Checkpoint.trainingState(restored)));
            }
            try (LanguageModel weightsOnly = Checkpoint.read(weights)) {
                assertEquals(Sha256.hex(weights), Sha256.hex(Checkpoint.weights(weightsOnly)));
                assertEquals(TrainingProgress.START, weightsOnly.progress());
                assertEquals(0, weightsOnly.optimizer().stepCount());
            }
        }
    }

    @Test
    void aBpeTokenizerTravelsInTheCheckpoint() {
        byte[] text = RealText.train(60_000);
        BpeTokenizer bpe = BpeTokenizer.train(text, 300);
        GptConfig config = new GptConfig(1, 2, 32, 16, bpe.vocabularySize(), 0f);
        try (LanguageModel model = LanguageModel.create(config, bpe, 1)) {
            byte[] bytes = Checkpoint.weights(model);
            Tokenizer restored = Checkpoint.readTokenizer(bytes);
            assertArrayEquals(bpe.encode(text), restored.encode(text));
            try (LanguageModel loaded = Checkpoint.read(bytes)) {
                assertEquals(bpe.vocabularySize(), loaded.config().vocabularySize());
            }
        }
    }

    @Test
    void truncatedOrForeignBytesAreRejectedClearly() {
        byte[] bytes;
        try (LanguageModel model = LanguageModel.create(TINY, ByteTokenizer.INSTANCE, 1)) {
            bytes = Checkpoint.weights(model);
        }
        IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.read(Arrays.copyOf(bytes, bytes.length / 2)));
        assertTrue(truncated.getMessage().startsWith("corrupt checkpoint"), truncated.getMessage());
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.read("hello".getBytes(StandardCharsets.UTF_8)));
        assertTrue(foreign.getMessage().contains("checkpoint"), foreign.getMessage());
    }

    private static String trainedDigest(int[] train, long initSeed, long windowSeed) {
        try (LanguageModel model = LanguageModel.create(TINY, ByteTokenizer.INSTANCE, initSeed)) {
            Trainer.beginPhase(model, windowSeed, true);
            Trainer.train(model, FAST, train, 4, null);
            return Sha256.hex(Checkpoint.weights(model)) + Sha256.hex(Checkpoint.trainingState(model));
        }
    }
}
