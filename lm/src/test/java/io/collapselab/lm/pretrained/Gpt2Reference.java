package io.collapselab.lm.pretrained;

import java.util.Map;

/**
 * GPT-2's forward pass in double precision over the tensors of a {@link TinyGpt2} as written (Conv1D weights
 * {@code (in, out)}: y = x W + b), in plain loops that share nothing with the model under test: embeddings,
 * pre-LayerNorm blocks of causal self-attention and a tanh-GELU MLP, a final LayerNorm, and the head tied to
 * {@code wte}. It computes GPT-2's {@code gelu_new} whatever the config says.
 */
public final class Gpt2Reference {

    private static final double EPSILON = 1e-5;

    private final Map<String, TinyGpt2.Tensor> tensors;
    private final int layers;
    private final int width;
    private final int heads;

    public Gpt2Reference(TinyGpt2 model) {
        this.tensors = model.tensors();
        this.layers = model.layers();
        this.width = model.width();
        this.heads = model.heads();
    }

    /** Logits {@code [T][V]} at each position of {@code tokens}. */
    public double[][] logits(int[] tokens) {
        int t = tokens.length;
        double[][] x = new double[t][width];
        TinyGpt2.Tensor wte = tensor("wte.weight");
        TinyGpt2.Tensor wpe = tensor("wpe.weight");
        for (int i = 0; i < t; i++) {
            for (int c = 0; c < width; c++) {
                x[i][c] = wte.at(tokens[i], c) + wpe.at(i, c);
            }
        }
        for (int layer = 0; layer < layers; layer++) {
            String h = "h." + layer + ".";
            add(x, attention(layerNorm(x, h + "ln_1"), h + "attn."));
            add(x, mlp(layerNorm(x, h + "ln_2"), h + "mlp."));
        }
        double[][] last = layerNorm(x, "ln_f");
        int vocabulary = (int) wte.shape()[0];
        double[][] logits = new double[t][vocabulary];
        for (int i = 0; i < t; i++) {
            for (int v = 0; v < vocabulary; v++) {
                double sum = 0;
                for (int c = 0; c < width; c++) {
                    sum += last[i][c] * wte.at(v, c);
                }
                logits[i][v] = sum;
            }
        }
        return logits;
    }

    /** 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))). */
    private static double tanhGelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    private double[][] attention(double[][] x, String prefix) {
        int t = x.length;
        int d = width / heads;
        double[][] qkv = conv1d(x, prefix + "c_attn");
        double[][] y = new double[t][width];
        for (int head = 0; head < heads; head++) {
            int q = head * d;
            int k = width + head * d;
            int v = 2 * width + head * d;
            for (int i = 0; i < t; i++) {
                double[] scores = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += qkv[i][q + c] * qkv[j][k + c];
                    }
                    scores[j] = dot / Math.sqrt(d);
                    max = Math.max(max, scores[j]);
                }
                double total = 0;
                for (int j = 0; j <= i; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    total += scores[j];
                }
                for (int j = 0; j <= i; j++) {
                    for (int c = 0; c < d; c++) {
                        y[i][head * d + c] += scores[j] / total * qkv[j][v + c];
                    }
                }
            }
        }
        return conv1d(y, prefix + "c_proj");
    }

    private double[][] mlp(double[][] x, String prefix) {
        double[][] up = conv1d(x, prefix + "c_fc");
        for (double[] row : up) {
            for (int c = 0; c < row.length; c++) {
                row[c] = tanhGelu(row[c]);
            }
        }
        return conv1d(up, prefix + "c_proj");
    }

    /** GPT-2's Conv1D: {@code x (T, in) W (in, out) + b}. */
    private double[][] conv1d(double[][] x, String name) {
        TinyGpt2.Tensor w = tensor(name + ".weight");
        TinyGpt2.Tensor b = tensor(name + ".bias");
        int in = (int) w.shape()[0];
        int out = (int) w.shape()[1];
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double sum = b.at(o);
                for (int c = 0; c < in; c++) {
                    sum += x[i][c] * w.at(c, o);
                }
                y[i][o] = sum;
            }
        }
        return y;
    }

    private double[][] layerNorm(double[][] x, String name) {
        TinyGpt2.Tensor gain = tensor(name + ".weight");
        TinyGpt2.Tensor bias = tensor(name + ".bias");
        double[][] y = new double[x.length][width];
        for (int i = 0; i < x.length; i++) {
            double mean = 0;
            for (double value : x[i]) {
                mean += value;
            }
            mean /= width;
            double variance = 0;
            for (double value : x[i]) {
                variance += (value - mean) * (value - mean);
            }
            variance /= width;
            for (int c = 0; c < width; c++) {
                y[i][c] = (x[i][c] - mean) / Math.sqrt(variance + EPSILON) * gain.at(c) + bias.at(c);
            }
        }
        return y;
    }

    private static void add(double[][] x, double[][] delta) {
        for (int i = 0; i < x.length; i++) {
            for (int c = 0; c < x[i].length; c++) {
                x[i][c] += delta[i][c];
            }
        }
    }

    private TinyGpt2.Tensor tensor(String name) {
        TinyGpt2.Tensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("the model has no tensor " + name);
        }
        return tensor;
    }
}
