package io.collapselab.lm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.tensor.TensorIo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A GPT decoder in the manner of nanoGPT's {@code model.py}: token and learned position embeddings, pre-LayerNorm
 * blocks of causal multi-head self-attention and a GELU MLP (exact or tanh-approximated, as the config says), a
 * final LayerNorm, and an LM head that reuses the token embedding.
 *
 * <p>Weights are plain named arrays (PyTorch layout: linear weights are {@code (out, in)}), kept in insertion
 * order so that checkpoints and optimizer state can be keyed by name. Every operation takes an activation as its
 * receiver, so temporaries land in the manager of the input tokens and die with it, while the weights stay in
 * the model's manager.
 *
 * <p>Shapes: B batch, T time, C = width, H heads, D = C / H, V vocabulary.
 */
public final class Gpt {

    private static final float INIT_STD = 0.02f;
    /** The epsilon of every LayerNorm, GPT-2's. */
    public static final float LAYER_NORM_EPS = 1e-5f;
    private static final float MASKED = -1e9f;
    /** Selects the last position of (B, T, ...), dropping the time axis; built once, not parsed per token. */
    private static final NDIndex LAST_POSITION = new NDIndex().addAllDim().addIndices(-1);

    private final GptConfig config;
    private final Map<String, NDArray> weights;
    /**
     * 1/sqrt(D) as a float32 scalar array owned by the model, applied to the queries rather than to the (B, H, T, T)
     * scores: the same product on an array T/D times smaller, forward and backward. Float32, because libtorch
     * multiplies a float32 array by a float64 scalar on a slow element-by-element path (about 20 times slower here).
     * Owned by the model, because autograd keeps the scalar for the backward pass, and an array DJL creates from Java
     * data borrows Java memory that is released with its handle: created inside a {@link #scoped} block, it would
     * be gone by the time backward reads it.
     */
    private final NDArray attentionScale;
    private final UnaryOperator<NDArray> activation;

    private Gpt(GptConfig config, Map<String, NDArray> weights, NDManager manager) {
        this.config = config;
        this.weights = weights;
        this.attentionScale = manager.create((float) (1.0 / Math.sqrt(config.headWidth())));
        this.activation = switch (config.activation()) {
            case GELU -> Activation::gelu;
            case GELU_TANH -> new TanhGelu(manager)::apply;
        };
    }

    /** Names and shapes of the weights of a config, in the fixed order used by checkpoints and the optimizer. */
    public static Map<String, Shape> weightShapes(GptConfig config) {
        long c = config.width();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put("wte", new Shape(config.vocabularySize(), c));
        shapes.put("wpe", new Shape(config.contextLength(), c));
        for (int i = 0; i < config.layers(); i++) {
            String h = "h." + i + ".";
            shapes.put(h + "ln_1.weight", new Shape(c));
            shapes.put(h + "ln_1.bias", new Shape(c));
            shapes.put(h + "attn.c_attn.weight", new Shape(3 * c, c));
            shapes.put(h + "attn.c_attn.bias", new Shape(3 * c));
            shapes.put(h + "attn.c_proj.weight", new Shape(c, c));
            shapes.put(h + "attn.c_proj.bias", new Shape(c));
            shapes.put(h + "ln_2.weight", new Shape(c));
            shapes.put(h + "ln_2.bias", new Shape(c));
            shapes.put(h + "mlp.c_fc.weight", new Shape(4 * c, c));
            shapes.put(h + "mlp.c_fc.bias", new Shape(4 * c));
            shapes.put(h + "mlp.c_proj.weight", new Shape(c, 4 * c));
            shapes.put(h + "mlp.c_proj.bias", new Shape(c));
        }
        shapes.put("ln_f.weight", new Shape(c));
        shapes.put("ln_f.bias", new Shape(c));
        return shapes;
    }

    /**
     * Fresh weights as in GPT-2: N(0, 0.02) for embeddings and linear weights, residual projections scaled by
     * 1/sqrt(2 * layers), zero biases, unit LayerNorm gains. Drawn from {@code seed} in Java, so they do not depend
     * on the engine, the device or the thread count.
     */
    public static Gpt initialize(GptConfig config, NDManager manager, long seed) {
        Rng rng = new Rng(seed);
        float residualStd = (float) (INIT_STD / Math.sqrt(2.0 * config.layers()));
        Map<String, NDArray> weights = new LinkedHashMap<>();
        weightShapes(config).forEach((name, shape) -> {
            NDArray value;
            if (name.startsWith("ln_") || name.contains(".ln_")) {
                value = name.endsWith(".weight") ? manager.ones(shape) : manager.zeros(shape);
            } else if (name.endsWith(".bias")) {
                value = manager.zeros(shape);
            } else {
                value = normal(manager, rng, name.endsWith("c_proj.weight") ? residualStd : INIT_STD, shape);
            }
            weights.put(name, value);
        });
        return new Gpt(config, weights, manager);
    }

    /**
     * A model over given weights (from a checkpoint or an imported GPT-2); names and shapes must be exactly those
     * of this config.
     */
    public static Gpt withWeights(GptConfig config, Map<String, NDArray> weights) {
        Map<String, Shape> expected = weightShapes(config);
        Map<String, NDArray> ordered = new LinkedHashMap<>();
        expected.forEach((name, shape) -> {
            NDArray given = weights.get(name);
            if (given == null) {
                throw new IllegalArgumentException("weights lack '" + name + "'");
            }
            if (!given.getShape().equals(shape)) {
                throw new IllegalArgumentException("weight '" + name + "' has shape " + given.getShape()
                        + ", the config needs " + shape);
            }
            ordered.put(name, given);
        });
        if (weights.size() != expected.size()) {
            throw new IllegalArgumentException("got " + weights.size() + " weights, the config needs "
                    + expected.size());
        }
        return new Gpt(config, ordered, ordered.values().iterator().next().getManager());
    }

    public GptConfig config() {
        return config;
    }

    /** The weights by name, in a fixed order. */
    public Map<String, NDArray> weights() {
        return Collections.unmodifiableMap(weights);
    }

    /** Logits {@code (B, T, V)} for token ids {@code (B, T)} (int64), T at most the context length. */
    public NDArray forward(NDArray tokens, boolean training) {
        NDArray x = embed(tokens, 0, training);
        for (int i = 0; i < config.layers(); i++) {
            x = block(i, x, null, training);
        }
        return head(x);
    }

    /**
     * Logits {@code (B, V)} of the next token after appending {@code tokens (B, n)} to what the cache has seen,
     * extending the cache. The cache plus the new tokens must fit the context length.
     */
    public NDArray forward(NDArray tokens, KvCache cache) {
        int start = cache.length();
        long n = tokens.getShape().get(1);
        if (start + n > config.contextLength()) {
            throw new IllegalArgumentException("cache of " + start + " tokens plus " + n + " new ones exceeds the "
                    + "context length " + config.contextLength());
        }
        NDArray x = embed(tokens, start, false);
        for (int i = 0; i < config.layers(); i++) {
            x = block(i, x, cache, false);
        }
        cache.advance((int) n);
        return head(lastPosition(x));
    }

    /** {@code x (B, T, ...)} at its last position: {@code (B, ...)}. */
    public static NDArray lastPosition(NDArray x) {
        return x.get(LAST_POSITION);
    }

    private NDArray embed(NDArray tokens, int firstPosition, boolean training) {
        long t = tokens.getShape().get(1);
        NDArray positions = tokens.getManager().arange(firstPosition, firstPosition + (int) t, 1, DataType.INT64);
        NDArray tok = Embedding.embedding(tokens, w("wte"), SparseFormat.DENSE).singletonOrThrow();   // (B, T, C)
        NDArray pos = Embedding.embedding(positions, w("wpe"), SparseFormat.DENSE).singletonOrThrow(); // (T, C)
        return dropout(tok.add(pos), training);
    }

    private NDArray block(int layer, NDArray x, KvCache cache, boolean training) {
        String h = "h." + layer + ".";
        x = x.add(scoped(layerNorm(x, h + "ln_1"), in -> attention(layer, in, cache, training)));
        return x.add(scoped(layerNorm(x, h + "ln_2"), in -> mlp(h, in, training)));
    }

    /**
     * Applies {@code body} with its intermediate arrays in a scope of their own that closes when it returns. The
     * autograd graph keeps whatever backward needs; everything else is freed at once, so the allocator hands the
     * same, cache-warm memory to the next layer instead of the step's footprint growing layer by layer (worth a
     * fifth of a training step here). {@code body} must not create arrays from Java data that autograd saves (see
     * {@link #attentionScale}).
     */
    private static NDArray scoped(NDArray input, UnaryOperator<NDArray> body) {
        NDManager outer = input.getManager();
        try (NDManager scope = outer.newSubManager()) {
            input.tempAttach(scope);
            NDArray output = body.apply(input);
            output.attach(outer);
            return output;
        }
    }

    private NDArray attention(int layer, NDArray x, KvCache cache, boolean training) {
        String a = "h." + layer + ".attn.";
        Shape shape = x.getShape();
        long b = shape.get(0);
        long t = shape.get(1);
        NDList qkv = linear(x, a + "c_attn").split(3, 2);                    // 3 x (B, T, C)
        NDArray q = splitHeads(qkv.get(0).mul(attentionScale));              // (B, H, T, D), pre-scaled
        NDArray k = splitHeads(qkv.get(1));
        NDArray v = splitHeads(qkv.get(2));
        int past = 0;
        if (cache != null) {
            past = cache.length();
            k = cache.appendKeys(layer, k);                                   // (B, H, past + T, D)
            v = cache.appendValues(layer, v);
        }
        NDArray att = q.matMul(k.transpose(0, 1, 3, 2));                    // (B, H, T, past + T)
        if (t > 1) {
            att = att.add(causalMask(x.getManager(), t, past));
        }
        att = dropout(att.softmax(-1), training);
        NDArray y = att.matMul(v)                                            // (B, H, T, D)
                .transpose(0, 2, 1, 3)
                .reshape(b, t, config.width());
        return dropout(linear(y, a + "c_proj"), training);
    }

    private NDArray mlp(String h, NDArray x, boolean training) {
        NDArray up = activation.apply(linear(x, h + "mlp.c_fc"));           // (B, T, 4C)
        return dropout(linear(up, h + "mlp.c_proj"), training);
    }

    private NDArray head(NDArray x) {
        return Linear.linear(layerNorm(x, "ln_f"), w("wte")).singletonOrThrow();  // tied: (..., C) -> (..., V)
    }

    private NDArray splitHeads(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), config.heads(), config.headWidth()).transpose(0, 2, 1, 3);
    }

    /** Additive mask (T, past + T): query i may see key j when j <= past + i. */
    private static NDArray causalMask(NDManager manager, long t, int past) {
        NDArray queries = manager.arange(past, past + (int) t, 1, DataType.INT64).reshape(t, 1);
        NDArray keys = manager.arange(0, past + (int) t, 1, DataType.INT64).reshape(1, past + t);
        return keys.gt(queries).toType(DataType.FLOAT32, false).mul(MASKED);
    }

    private NDArray linear(NDArray x, String name) {
        return Linear.linear(x, w(name + ".weight"), w(name + ".bias")).singletonOrThrow();
    }

    private NDArray layerNorm(NDArray x, String name) {
        return LayerNorm.layerNorm(x, new Shape(config.width()), w(name + ".weight"), w(name + ".bias"),
                LAYER_NORM_EPS).singletonOrThrow();
    }

    private NDArray dropout(NDArray x, boolean training) {
        if (!training || config.dropout() == 0f) {
            return x;
        }
        return Dropout.dropout(x, config.dropout(), true).singletonOrThrow();
    }

    private NDArray w(String name) {
        return weights.get(name);
    }

    private static NDArray normal(NDManager manager, Rng rng, float std, Shape shape) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (rng.nextGaussian() * std);
        }
        return TensorIo.ownedByEngine(manager.create(values, shape));
    }
}
