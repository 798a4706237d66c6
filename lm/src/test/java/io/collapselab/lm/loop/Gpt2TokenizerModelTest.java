package io.collapselab.lm.loop;

import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.ModelSettings;
import io.collapselab.experiment.SamplingSettings;
import io.collapselab.experiment.TrainingSettings;
import io.collapselab.lm.RealText;
import io.collapselab.lm.Sha256;
import io.collapselab.lm.model.Checkpoint;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.tokenizer.Gpt2Tokenizer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Gpt2TokenizerModelTest {

    /** Tiny everywhere but the vocabulary: the 50,257-row embedding is what such a model costs. */
    private static final ExperimentConfig TINY_GPT2 = SelfTrainingLoopTest.COLLAPSING
            .withModel(new ModelSettings(1, 2, 16, 16, 0f, ModelSettings.GPT2_TOKENIZER, 0))
            .withPretraining(new TrainingSettings(6, 8, 1e-2, 1e-2, TrainingSettings.CONSTANT, 0, 0.9, 0.95, 0.1,
                    1.0, false))
            .withSampling(new SamplingSettings(64, 2, 1.0, 50, 1.0, "\n", true, SamplingSettings.FAST_WINDOW))
            .validated();

    @Test
    void aTinyModelTrainsSamplesAndKeepsItsTokenizerInTheCheckpoint() {
        byte[] text = RealText.train(50_000);
        assertSame(Gpt2Tokenizer.INSTANCE, GenerationSteps.tokenizer(TINY_GPT2.model(), text));

        GenerationSteps.TrainedCheckpoint trained = GenerationSteps.pretrain(TINY_GPT2, text, Progress.NONE);
        assertEquals(6, trained.steps());
        // An untrained model guesses about uniformly over the vocabulary: ln(50257) = 10.8 nats a token.
        assertTrue(trained.trainLoss() < Math.log(Gpt2Tokenizer.VOCABULARY_SIZE),
                "mean training loss " + trained.trainLoss());
        assertSame(Gpt2Tokenizer.INSTANCE, Checkpoint.readTokenizer(trained.checkpoint()));
        try (LanguageModel restored = Checkpoint.read(trained.checkpoint())) {
            assertEquals(Gpt2Tokenizer.VOCABULARY_SIZE, restored.config().vocabularySize());
            assertEquals(trained.sha256(), Sha256.hex(Checkpoint.weights(restored)));
        }

        int corpusTokens = GenerationSteps.corpusTokens(TINY_GPT2, Gpt2Tokenizer.INSTANCE, () -> text);
        GenerationSteps.SampledCorpus sampled = GenerationSteps.sample(TINY_GPT2, trained.checkpoint(), corpusTokens,
                0, Progress.NONE);
        assertEquals(TINY_GPT2.sampling().tokensPerGeneration().tokens(), sampled.tokenCount());
        assertEquals('\n', sampled.corpus()[0]);
        assertEquals(sampled.sha256(),
                GenerationSteps.sample(TINY_GPT2, trained.checkpoint(), corpusTokens, 0, Progress.NONE).sha256());
    }

    @Test
    void aCheckpointWhoseRanksDigestDiffersIsRefused() {
        byte[] text = RealText.train(20_000);
        byte[] checkpoint = GenerationSteps.pretrain(TINY_GPT2.withPretraining(TINY_GPT2.pretraining().withSteps(1)),
                text, Progress.NONE).checkpoint();
        byte[] digest = Gpt2Tokenizer.ranksSha256().getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(checkpoint, digest);
        assertTrue(at >= 0, "the checkpoint should carry the ranks' digest");
        checkpoint[at] = (byte) (digest[0] == '0' ? '1' : '0');

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(checkpoint));
        assertTrue(e.getMessage().contains("made with other r50k_base ranks"), e.getMessage());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
