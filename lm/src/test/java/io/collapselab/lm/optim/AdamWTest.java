package io.collapselab.lm.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.collapselab.lm.model.GradMode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** AdamW against the update rule of torch.optim.AdamW, written out in doubles. */
class AdamWTest {

    static final double BETA1 = 0.9;
    static final double BETA2 = 0.95;
    static final double DECAY = 0.1;
    static final double LR = 0.01;
    static final double EPS = 1e-8;

    @Test
    void twoStepsMatchTheReferenceUpdateWithDecayOnMatricesOnly() {
        float[] matrix = {0.5f, -1.0f, 2.0f, 0.25f};
        float[] bias = {0.1f, -0.2f};
        float[] matrixGrad = {1.0f, -2.0f, 0.5f, 4.0f};
        float[] biasGrad = {-3.0f, 0.75f};
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            weights.put("w", manager.create(matrix, new Shape(2, 2)));
            weights.put("b", manager.create(bias, new Shape(2)));
            AdamW adamW = new AdamW(manager);
            adamW.configure(BETA1, BETA2, DECAY);

            Reference w = new Reference(matrix, true);
            Reference b = new Reference(bias, false);
            for (int step = 1; step <= 2; step++) {
                backward(weights, Map.of("w", matrixGrad, "b", biasGrad));
                try (GradMode off = GradMode.disabled()) {
                    adamW.step(weights, LR, 0);
                }
                w.step(matrixGrad, 1.0, step);
                b.step(biasGrad, 1.0, step);
            }
            assertArrayEquals(w.floats(), weights.get("w").toFloatArray(), 1e-6f);
            assertArrayEquals(b.floats(), weights.get("b").toFloatArray(), 1e-6f);
            assertEquals(2, adamW.stepCount());
        }
    }

    @Test
    void clipsByTheGlobalGradientNorm() {
        float[] start = {1.0f, 2.0f};
        float[] grad = {3.0f, 4.0f};
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            weights.put("v", manager.create(start, new Shape(2)));
            AdamW adamW = new AdamW(manager);
            adamW.configure(BETA1, BETA2, 0);
            backward(weights, Map.of("v", grad));
            double norm;
            try (GradMode off = GradMode.disabled()) {
                norm = adamW.step(weights, LR, 1.0);
            }
            assertEquals(5.0, norm, 1e-6);
            Reference reference = new Reference(start, false);
            reference.step(grad, 1.0 / (5.0 + 1e-6), 1);
            assertArrayEquals(reference.floats(), weights.get("v").toFloatArray(), 1e-6f);
        }
    }

    @Test
    void stateRoundTripsByName() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            weights.put("w", manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)));
            AdamW adamW = new AdamW(manager);
            adamW.configure(BETA1, BETA2, DECAY);
            backward(weights, Map.of("w", new float[] {1, 1, 1, 1}));
            try (GradMode off = GradMode.disabled()) {
                adamW.step(weights, LR, 0);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            adamW.write(new DataOutputStream(bytes));
            AdamW restored = new AdamW(manager);
            restored.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            restored.write(new DataOutputStream(again));
            assertArrayEquals(bytes.toByteArray(), again.toByteArray());
            assertEquals(1, restored.stepCount());
        }
    }

    /** Sets each weight's gradient to the given values through a real backward pass of sum(w * g). */
    private static void backward(Map<String, NDArray> weights, Map<String, float[]> gradients) {
        weights.values().forEach(w -> w.setRequiresGradient(true));
        try (NDManager scope = NDManager.newBaseManager();
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                NDArray g = scope.create(gradients.get(e.getKey()), e.getValue().getShape());
                NDArray term = e.getValue().mul(g).sum();
                loss = loss == null ? term : loss.add(term);
            }
            collector.backward(loss);
        }
    }

    /** torch.optim.AdamW for one tensor, in doubles. */
    private static final class Reference {
        final double[] value;
        final double[] m;
        final double[] v;
        final boolean decays;

        Reference(float[] initial, boolean decays) {
            value = new double[initial.length];
            for (int i = 0; i < initial.length; i++) {
                value[i] = initial[i];
            }
            m = new double[initial.length];
            v = new double[initial.length];
            this.decays = decays;
        }

        void step(float[] grad, double scale, int t) {
            for (int i = 0; i < value.length; i++) {
                double g = grad[i] * scale;
                if (decays) {
                    value[i] *= 1 - LR * DECAY;
                }
                m[i] = BETA1 * m[i] + (1 - BETA1) * g;
                v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
                double denominator = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(BETA2, t)) + EPS;
                value[i] -= LR / (1 - Math.pow(BETA1, t)) * m[i] / denominator;
            }
        }

        float[] floats() {
            float[] out = new float[value.length];
            for (int i = 0; i < value.length; i++) {
                out[i] = (float) value[i];
            }
            return out;
        }
    }
}
