package io.collapselab.lm.pretrained;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.collapselab.experiment.TrainingSettings;
import io.collapselab.lm.model.Checkpoint;
import io.collapselab.lm.model.Gpt;
import io.collapselab.lm.model.GptConfig;
import io.collapselab.lm.model.GradMode;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.model.TrainingProgress;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.tokenizer.ByteTokenizer;
import io.collapselab.lm.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.collapselab.lm.pretrained.TinyGpt2.Layout.BASE_MODEL;
import static io.collapselab.lm.pretrained.TinyGpt2.Layout.LM_HEAD_MODEL;
import static io.collapselab.lm.pretrained.TinyGpt2.Precision.F16;
import static io.collapselab.lm.pretrained.TinyGpt2.Precision.F32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Gpt2ImportTest {

    static final int LAYERS = 2;
    static final int HEADS = 2;
    static final int WIDTH = 16;
    static final int POSITIONS = 16;
    static final int VOCABULARY = 50;
    /**
     * Largest difference from the double-precision reference, relative to the largest logit of its position. A
     * float32 rounding is 6e-8 relative and the tiny model is a few hundred roundings deep, which leaves the
     * logits about 1e-6 from the reference; exact GELU in place of the tanh form moves them by over ten times
     * this tolerance (see the test of it), a wrong transpose or layout by far more.
     */
    static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    static TinyGpt2 tiny() {
        return TinyGpt2.random(LAYERS, HEADS, WIDTH, POSITIONS, VOCABULARY, 7);
    }

    @Test
    void logitsMatchAnIndependentDoublePrecisionForward() throws IOException {
        TinyGpt2 model = tiny();
        Path files = model.write(dir.resolve("gpt2"), BASE_MODEL, F32);
        int[][] tokens = sequences(2, POSITIONS, VOCABULARY);
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt gpt = Gpt2Import.gpt(files, POSITIONS, 0f, manager);
            assertEquals(new GptConfig(LAYERS, HEADS, WIDTH, POSITIONS, VOCABULARY, 0f,
                    GptConfig.Activation.GELU_TANH), gpt.config());
            double worst = worstRelativeError(model, tokens, logits(gpt, tokens));
            assertTrue(worst <= TOLERANCE, "largest relative difference from the reference: " + worst);
        }
    }

    @Test
    void exactGeluFromTheConfigIsComputedAndMovesTheLogitsBeyondTheTolerance() throws IOException {
        TinyGpt2 model = tiny();
        model.config().put("activation_function", "gelu");
        Path files = model.write(dir.resolve("gpt2-gelu"), BASE_MODEL, F32);
        int[][] tokens = sequences(2, POSITIONS, VOCABULARY);
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt gpt = Gpt2Import.gpt(files, POSITIONS, 0f, manager);
            assertEquals(GptConfig.Activation.GELU, gpt.config().activation());
            double worst = worstRelativeError(model, tokens, logits(gpt, tokens));
            assertTrue(worst > 10 * TOLERANCE, "exact GELU against the tanh reference differs by only " + worst);
        }
    }

    @Test
    void theLmHeadModelLayoutImportsTheSameModel() throws IOException {
        TinyGpt2 model = tiny();
        Path base = model.write(dir.resolve("base"), BASE_MODEL, F32);
        Path withHead = model.write(dir.resolve("lm-head"), LM_HEAD_MODEL, F32);
        int[][] tokens = sequences(2, POSITIONS, VOCABULARY);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] fromBase = logits(Gpt2Import.gpt(base, POSITIONS, 0f, manager), tokens);
            float[] fromHeadModel = logits(Gpt2Import.gpt(withHead, POSITIONS, 0f, manager), tokens);
            assertArrayEquals(fromBase, fromHeadModel);
        }
    }

    @Test
    void aFloat16FileImportsAsTheSameFloat32Model() throws IOException {
        TinyGpt2 model = tiny().exactInHalfPrecision();
        Path single = model.write(dir.resolve("f32"), BASE_MODEL, F32);
        Path half = model.write(dir.resolve("f16"), LM_HEAD_MODEL, F16);
        int[][] tokens = sequences(2, POSITIONS, VOCABULARY);
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt fromHalf = Gpt2Import.gpt(half, POSITIONS, 0f, manager);
            fromHalf.weights().forEach((name, weight) -> assertEquals(DataType.FLOAT32, weight.getDataType(), name));
            float[] halfLogits = logits(fromHalf, tokens);
            assertArrayEquals(logits(Gpt2Import.gpt(single, POSITIONS, 0f, manager), tokens), halfLogits);
            double worst = worstRelativeError(model, tokens, halfLogits);
            assertTrue(worst <= TOLERANCE, "largest relative difference from the reference: " + worst);
        }
    }

    @Test
    void croppingKeepsTheFirstRowsOfWpeAndTheLogitsOfShortSequences() throws IOException {
        TinyGpt2 model = tiny();
        Path files = model.write(dir.resolve("gpt2"), BASE_MODEL, F32);
        int context = 8;
        int[][] tokens = sequences(2, context, VOCABULARY);
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt full = Gpt2Import.gpt(files, POSITIONS, 0f, manager);
            Gpt cropped = Gpt2Import.gpt(files, context, 0f, manager);
            assertEquals(context, cropped.config().contextLength());
            NDArray wpe = cropped.weights().get("wpe");
            assertEquals(new Shape(context, WIDTH), wpe.getShape());
            float[] stored = model.tensors().get("wpe.weight").values();
            assertArrayEquals(Arrays.copyOf(stored, context * WIDTH), wpe.toFloatArray());
            assertArrayEquals(logits(full, tokens), logits(cropped, tokens));
        }
    }

    @Test
    void anImportedModelStartsTrainingFreshAndTravelsInACheckpoint() throws IOException {
        TinyGpt2 model = TinyGpt2.random(LAYERS, HEADS, WIDTH, POSITIONS, ByteTokenizer.INSTANCE.vocabularySize(), 5);
        Path files = model.write(dir.resolve("gpt2-bytes"), LM_HEAD_MODEL, F32);
        int[][] tokens = sequences(1, POSITIONS, ByteTokenizer.INSTANCE.vocabularySize());
        try (LanguageModel imported = Gpt2Import.languageModel(files, ByteTokenizer.INSTANCE, POSITIONS, 0f)) {
            assertEquals(TrainingProgress.START, imported.progress());
            assertEquals(0, imported.optimizer().stepCount());
            assertEquals(GptConfig.Activation.GELU_TANH, imported.config().activation());

            try (LanguageModel restored = Checkpoint.read(Checkpoint.weights(imported))) {
                assertEquals(imported.config(), restored.config());
                assertArrayEquals(logits(imported.gpt(), tokens), logits(restored.gpt(), tokens));
            }

            float[] before = imported.gpt().weights().get("h.0.mlp.c_fc.weight").toFloatArray();
            int[] text = ByteTokenizer.INSTANCE.encode("the cat sat on the mat and the dog sat on the log. "
                    .repeat(20));
            TrainingSettings settings = new TrainingSettings(3, 4, 1e-3, 1e-3, TrainingSettings.CONSTANT, 0,
                    0.9, 0.95, 0.1, 1.0, false);
            Trainer.beginPhase(imported, 1, false);
            List<Double> losses = new ArrayList<>();
            Trainer.train(imported, settings, text, settings.steps(), (step, steps, loss, lr) -> losses.add(loss));
            assertEquals(settings.steps(), losses.size());
            losses.forEach(loss -> assertTrue(Double.isFinite(loss), "loss " + loss));
            assertEquals(settings.steps(), imported.progress().totalSteps());
            assertEquals(settings.steps(), imported.optimizer().stepCount());
            assertFalse(Arrays.equals(before, imported.gpt().weights().get("h.0.mlp.c_fc.weight").toFloatArray()));
        }
    }

    /** The largest |logit - reference| over all positions, relative to the largest |reference| of its position. */
    static double worstRelativeError(TinyGpt2 model, int[][] tokens, float[] logits) {
        Gpt2Reference reference = new Gpt2Reference(model);
        int vocabulary = model.vocabularySize();
        double worst = 0;
        for (int b = 0; b < tokens.length; b++) {
            double[][] expected = reference.logits(tokens[b]);
            for (int t = 0; t < tokens[b].length; t++) {
                double scale = Arrays.stream(expected[t]).map(Math::abs).max().orElseThrow();
                assertTrue(scale > 1, "logits this small test nothing: " + scale);
                for (int v = 0; v < vocabulary; v++) {
                    float actual = logits[(b * tokens[b].length + t) * vocabulary + v];
                    worst = Math.max(worst, Math.abs(actual - expected[t][v]) / scale);
                }
            }
        }
        return worst;
    }

    /** Logits {@code (B, T, V)} flattened, for token ids {@code [B][T]}. */
    static float[] logits(Gpt gpt, int[][] tokens) {
        long[] ids = Arrays.stream(tokens).flatMapToInt(Arrays::stream).asLongStream().toArray();
        NDManager weights = gpt.weights().get("wte").getManager();
        try (GradMode off = GradMode.disabled(); NDManager scope = weights.newSubManager()) {
            NDArray input = scope.create(ids, new Shape(tokens.length, tokens[0].length));
            return gpt.forward(input, false).toFloatArray();
        }
    }

    static int[][] sequences(int count, int length, int vocabulary) {
        Rng rng = new Rng(3);
        int[][] tokens = new int[count][length];
        for (int[] sequence : tokens) {
            for (int t = 0; t < length; t++) {
                sequence[t] = rng.nextInt(vocabulary);
            }
        }
        return tokens;
    }
}
