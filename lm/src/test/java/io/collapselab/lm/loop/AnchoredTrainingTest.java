package io.collapselab.lm.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.ModelSettings;
import io.collapselab.lm.RealText;
import io.collapselab.lm.model.Checkpoint;
import io.collapselab.lm.model.GradMode;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.train.Trainer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Self-training with its objective anchored to generation 0: off, it is the plain generation bit for bit; on, each
 * anchor does what it is for, against the same generation trained without it on text that pulls the model away.
 */
class AnchoredTrainingTest {

    private static final ExperimentConfig TINY = SelfTrainingLoopTest.COLLAPSING
            .withModel(new ModelSettings(1, 2, 32, 16, 0f, ModelSettings.BYTE_TOKENIZER, 0))
            .withPretraining(SelfTrainingLoopTest.COLLAPSING.pretraining().withSteps(60))
            .withSeed(11);
    /** A corpus of one short loop, as a collapsed generation writes: training on it drags the model away. */
    private static final byte[] LOOP = "the the the ".repeat(400).getBytes(StandardCharsets.UTF_8);

    private static byte[] real;
    private static byte[] generation0;
    private static byte[] generation0State;
    private static GenerationSteps.TrainedCheckpoint plain;

    @BeforeAll
    static void trainGenerationsZeroAndOne() {
        real = RealText.train(60_000);
        GenerationSteps.TrainedCheckpoint pretrained = GenerationSteps.pretrain(TINY, real, Progress.NONE);
        generation0 = pretrained.checkpoint();
        generation0State = pretrained.trainingState();
        plain = GenerationSteps.trainNext(TINY, generation0, generation0State, LOOP, 1, Progress.NONE);
    }

    @Test
    void weightsOfZeroReproduceThePlainGenerationBitForBit() {
        ExperimentConfig zero = TINY.withSelfTraining(TINY.selfTraining().withAnchors(0.0, 0.0));

        GenerationSteps.TrainedCheckpoint anchored = GenerationSteps.trainNext(zero, generation0, generation0State,
                LOOP, 1,
                new AnchorInputs(generation0, real), Progress.NONE);

        assertEquals(plain.sha256(), anchored.sha256());
    }

    @Test
    void aKlAnchorKeepsTheModelCloserToGenerationZero() {
        ExperimentConfig kl = TINY.withSelfTraining(TINY.selfTraining().withAnchors(5.0, null));

        GenerationSteps.TrainedCheckpoint anchored = GenerationSteps.trainNext(kl, generation0, generation0State,
                LOOP, 1,
                new AnchorInputs(generation0, real), Progress.NONE);

        assertNotEquals(plain.sha256(), anchored.sha256());
        double anchoredKl = klFromGeneration0(anchored.checkpoint());
        double plainKl = klFromGeneration0(plain.checkpoint());
        assertTrue(anchoredKl < plainKl / 2, "KL from generation 0 on real text: anchored " + anchoredKl
                + ", plain " + plainKl);
    }

    @Test
    void aRealGradientKeepsRealTextLikely() {
        ExperimentConfig realGradient = TINY.withSelfTraining(TINY.selfTraining().withAnchors(null, 1.0));

        GenerationSteps.TrainedCheckpoint anchored = GenerationSteps.trainNext(realGradient, generation0,
                generation0State, LOOP, 1,
                new AnchorInputs(generation0, real), Progress.NONE);

        byte[] heldout = RealText.heldout(8_000);
        double anchoredLoss = GenerationSteps.evaluate(TINY, anchored.checkpoint(), heldout, 1, Progress.NONE)
                .heldoutLoss();
        double plainLoss = GenerationSteps.evaluate(TINY, plain.checkpoint(), heldout, 1, Progress.NONE)
                .heldoutLoss();
        assertTrue(anchoredLoss < plainLoss, "held-out loss: anchored " + anchoredLoss + ", plain " + plainLoss);
        assertEquals(plain.trainLoss() > 0, anchored.trainLoss() > 0, "the reported loss is the mix's own");
    }

    @Test
    void anAnchoredGenerationNeedsGenerationZeroAndTheRealText() {
        ExperimentConfig kl = TINY.withSelfTraining(TINY.selfTraining().withAnchors(1.0, null));

        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> GenerationSteps.trainNext(kl, generation0, generation0State, LOOP, 1,
                        Progress.NONE));
        assertTrue(thrown.getMessage().contains("generation 0's checkpoint"), thrown.getMessage());
    }

    /** Mean KL(model ‖ generation 0) over the positions of a few windows of real text. */
    private static double klFromGeneration0(byte[] checkpoint) {
        try (LanguageModel model = Checkpoint.read(checkpoint);
             LanguageModel reference = Checkpoint.read(generation0);
             NDManager scope = model.manager().newSubManager();
             GradMode off = GradMode.disabled()) {
            int context = model.config().contextLength();
            long[] ids = new long[8 * context];
            int[] tokens = model.tokenizer().encode(Arrays.copyOf(real, 20_000));
            for (int i = 0; i < ids.length; i++) {
                ids[i] = tokens[1_000 + i];
            }
            NDArray batch = scope.create(ids, new Shape(8, context));
            return Trainer.klDivergence(model.gpt().forward(batch, false), reference.gpt().forward(batch, false))
                    .getFloat();
        }
    }
}
