package io.collapselab.lm.model;

/**
 * Shape of a GPT decoder: {@code layers} transformer blocks of {@code heads} attention heads over a residual
 * stream of {@code width} channels, reading at most {@code contextLength} tokens from a vocabulary of
 * {@code vocabularySize}.
 */
public record GptConfig(int layers, int heads, int width, int contextLength, int vocabularySize, float dropout) {

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
