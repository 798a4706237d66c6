package io.collapselab.lm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GptActivationTest {

    static final float[] POINTS = {-4f, -2f, -1f, -0.5f, -0.1f, 0f, 0.1f, 0.5f, 1f, 2f, 4f};

    @Test
    void tanhGeluIsTheFormulaInFloat32() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] actual = new TanhGelu(manager).apply(manager.create(POINTS)).toFloatArray();
            for (int i = 0; i < POINTS.length; i++) {
                double x = POINTS[i];
                double expected = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
                assertEquals(expected, actual[i], 1e-6 * Math.max(1, Math.abs(expected)), "at x = " + POINTS[i]);
            }
        }
    }

    @Test
    void tanhGeluIsNotExactGelu() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray one = manager.create(new float[] {1f});
            double approximated = new TanhGelu(manager).apply(one).getFloat(0);
            double exact = Activation.gelu(one).getFloat(0);
            assertTrue(Math.abs(approximated - exact) > 1e-4, approximated + " vs " + exact);
        }
    }

    @Test
    void theModelComputesTheActivationOfItsConfig() {
        GptConfig exact = new GptConfig(1, 2, 16, 8, 32, 0f);
        GptConfig approximated = new GptConfig(1, 2, 16, 8, 32, 0f, GptConfig.Activation.GELU_TANH);
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = new LinkedHashMap<>(Gpt.initialize(exact, manager, 1).weights());
            // GPT-2's initial weights keep the MLP's inputs so small that both GELUs are nearly linear there
            weights.replaceAll((name, w) -> name.endsWith("mlp.c_fc.weight") ? w.mul(50f) : w);
            NDArray tokens = manager.create(new long[] {1, 5, 9, 2, 7, 3, 30, 4}, new Shape(1, 8));
            float[] exactLogits = Gpt.withWeights(exact, weights).forward(tokens, false).toFloatArray();
            float[] tanhLogits = Gpt.withWeights(approximated, weights).forward(tokens, false).toFloatArray();
            assertFalse(Arrays.equals(exactLogits, tanhLogits));
        }
    }

    @Test
    void activationsGoByTheirConfigNames() {
        assertEquals(GptConfig.Activation.GELU, GptConfig.Activation.fromConfigName("gelu"));
        assertEquals(GptConfig.Activation.GELU_TANH, GptConfig.Activation.fromConfigName("gelu_new"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> GptConfig.Activation.fromConfigName("swish"));
        assertEquals("activation 'swish' is not supported (supported: gelu, gelu_new)", unknown.getMessage());
    }
}
