package io.collapselab.lm.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Shape of a GPT decoder: {@code layers} transformer blocks of {@code heads} attention heads over a residual
 * stream of {@code width} channels, reading at most {@code contextLength} tokens from a vocabulary of
 * {@code vocabularySize}, with {@code activation} in the MLP.
 */
public record GptConfig(int layers, int heads, int width, int contextLength, int vocabularySize, float dropout,
                        Activation activation) {

    /**
     * The MLP's nonlinearity. Models trained here use exact GELU; GPT-2 was trained with the tanh approximation,
     * and an imported GPT-2 keeps it. Each has the name Hugging Face configs give it ({@code activation_function}),
     * which is also how checkpoints store it.
     */
    public enum Activation {
        /** x Φ(x), Φ the standard normal CDF. */
        GELU("gelu"),
        /** 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))), GPT-2's {@code gelu_new}. */
        GELU_TANH("gelu_new");

        private final String configName;

        Activation(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        /** @throws IllegalArgumentException when {@code name} is none of the {@link #configName}s */
        public static Activation fromConfigName(String name) {
            for (Activation activation : values()) {
                if (activation.configName.equals(name)) {
                    return activation;
                }
            }
            throw new IllegalArgumentException("activation '" + name + "' is not supported (supported: "
                    + Arrays.stream(values()).map(Activation::configName).collect(Collectors.joining(", ")) + ")");
        }
    }

    public GptConfig {
        if (layers < 1 || heads < 1 || width < 1 || contextLength < 2 || vocabularySize < 2) {
            throw new IllegalArgumentException("GPT needs layers, heads, width >= 1, contextLength >= 2 and "
                    + "vocabularySize >= 2, was " + layers + "/" + heads + "/" + width + "/" + contextLength + "/"
                    + vocabularySize);
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must divide width (" + width + ")");
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), was " + dropout);
        }
        if (activation == null) {
            throw new IllegalArgumentException("GPT needs an activation");
        }
    }

    /** A model as trained from scratch here: exact GELU. */
    public GptConfig(int layers, int heads, int width, int contextLength, int vocabularySize, float dropout) {
        this(layers, heads, width, contextLength, vocabularySize, dropout, Activation.GELU);
    }

    public int headWidth() {
        return width / heads;
    }

    /** Number of trainable scalars (the LM head shares the token embedding). */
    public long parameterCount() {
        long perLayer = 2L * width                       // ln_1
                + 3L * width * width + 3L * width       // attention q, k, v
                + (long) width * width + width          // attention output projection
                + 2L * width                            // ln_2
                + 4L * width * width + 4L * width       // MLP up
                + 4L * width * width + width;           // MLP down
        return (long) vocabularySize * width + (long) contextLength * width + layers * perLayer + 2L * width;
    }
}
