package io.collapselab.lm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * GELU's tanh approximation, GPT-2's {@code gelu_new}: 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))), in the order
 * Hugging Face computes it. DJL offers only the exact GELU, so it is built from ndarray ops; its constants are
 * float32 scalar arrays created once by the model's manager, for the reasons given at {@link Gpt}'s attention scale
 * (libtorch's slow path for float64 scalars, and autograd keeping the scalars for the backward pass).
 */
final class TanhGelu {

    private final NDArray cubicCoefficient;
    private final NDArray scale;
    private final NDArray one;
    private final NDArray half;

    TanhGelu(NDManager manager) {
        this.cubicCoefficient = manager.create(0.044715f);
        this.scale = manager.create((float) Math.sqrt(2.0 / Math.PI));
        this.one = manager.create(1f);
        this.half = manager.create(0.5f);
    }

    NDArray apply(NDArray x) {
        NDArray inner = x.square().mul(x).mul(cubicCoefficient).add(x).mul(scale);
        return inner.tanh().add(one).mul(x).mul(half);
    }
}
