package io.collapselab.lm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.lm.model.GptConfig;
import io.collapselab.lm.tokenizer.Gpt2Tokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The paper-generation benchmark's plumbing on a tiny model over GPT-2's vocabulary; its figures are for people. */
class PaperGenerationBenchmarkTest {

    @Test
    void thePaperShapeIsGpt2SmallCroppedToAHundredPositions() {
        // GPT-2 124M has 124,439,808 parameters with its 1,024 positions; the crop drops 924 rows of 768.
        assertEquals(124_439_808L - 924L * 768, PaperGenerationBenchmark.GPT2_PAPER_SHAPE.parameterCount());
    }

    @Test
    void aCachedStepReadsEveryWeightButThePositionEmbedding() {
        GptConfig config = new GptConfig(2, 2, 8, 4, 16, 0f);
        assertEquals(4L * (config.parameterCount() - 4 * 8),
                PaperGenerationBenchmark.weightBytesPerCachedToken(config));
    }

    @Test
    void measuresEveryFigureOfAGeneration() {
        GptConfig tiny = new GptConfig(1, 1, 8, 8, Gpt2Tokenizer.VOCABULARY_SIZE, 0f, GptConfig.Activation.GELU_TANH);
        PaperGenerationPlan plan = new PaperGenerationPlan(12, 1, 1, 2, 1 << 20, 2);
        List<String> progress = new ArrayList<>();

        PaperGenerationResult result = PaperGenerationBenchmark.run(tiny, plan, progress::add);

        assertEquals(12, result.sampledTokens());
        assertTrue(result.exactTokensPerSecond() > 0 && result.fastTokensPerSecond() > 0, result.toString());
        assertTrue(result.cachedTokensPerSecond() > 0 && result.memoryBandwidthBytesPerSecond() > 0,
                result.toString());
        assertEquals(12 / result.exactTokensPerSecond() + result.trainingStepSeconds(), result.generationSeconds(),
                1e-9);
        assertTrue(result.peakResidentBytesAfterTraining() != 0, result.toString());
        assertEquals(4, progress.size(), progress.toString());
    }

    @Test
    void refusesAModelThatCannotSampleGpt2Tokens() {
        GptConfig bytes = new GptConfig(1, 1, 8, 8, 256, 0f);
        assertThrows(IllegalArgumentException.class, () -> PaperGenerationBenchmark.run(bytes,
                PaperGenerationPlan.of(true, 0), line -> { }));
    }

    @Test
    void theDefaultPlanSamplesAWholePaperGenerationAndTheQuickOneGoesPastTheContext() {
        assertEquals(PaperGenerationPlan.PAPER_TOKENS, PaperGenerationPlan.of(false, 0).sampledTokens());
        assertTrue(PaperGenerationPlan.of(true, 0).sampledTokens() > 100);
        assertEquals(300, PaperGenerationPlan.of(true, 300).sampledTokens());
    }
}
