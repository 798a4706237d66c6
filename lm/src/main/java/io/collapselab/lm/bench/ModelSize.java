package io.collapselab.lm.bench;

import io.collapselab.lm.model.GptConfig;

import java.util.List;
import java.util.Locale;

/**
 * A GPT shape to benchmark, written {@code LAYERS/HEADS/WIDTH/CONTEXT} (the form {@code bench/torch_reference.py}
 * takes too), or one of the names {@code small}, {@code medium}, {@code large} for the three shapes the benchmark
 * reports by default.
 */
public record ModelSize(int layers, int heads, int width, int contextLength) {

    public static final ModelSize SMALL = new ModelSize(2, 2, 64, 64);
    public static final ModelSize MEDIUM = new ModelSize(4, 4, 128, 128);
    public static final ModelSize LARGE = new ModelSize(6, 6, 192, 128);
    public static final List<ModelSize> DEFAULTS = List.of(SMALL, MEDIUM, LARGE);

    /**
     * The size named by {@code text}.
     *
     * @throws IllegalArgumentException with a message fit for the user when it names no valid size
     */
    public static ModelSize parse(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        ModelSize named = switch (trimmed) {
            case "small" -> SMALL;
            case "medium" -> MEDIUM;
            case "large" -> LARGE;
            default -> null;
        };
        if (named != null) {
            return named;
        }
        String[] parts = trimmed.split("/", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("model size '" + text + "' is neither small, medium, large nor "
                    + "LAYERS/HEADS/WIDTH/CONTEXT such as 4/4/128/128");
        }
        int[] values = new int[4];
        for (int i = 0; i < 4; i++) {
            try {
                values[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("model size '" + text + "': '" + parts[i] + "' is not a number",
                        e);
            }
        }
        ModelSize size = new ModelSize(values[0], values[1], values[2], values[3]);
        size.config(256);   // GptConfig holds the rules of a valid shape and says what is wrong
        return size;
    }

    /** The model this size describes, over a vocabulary of {@code vocabularySize} tokens, without dropout. */
    public GptConfig config(int vocabularySize) {
        return new GptConfig(layers, heads, width, contextLength, vocabularySize, 0f);
    }

    /** {@code LAYERS/HEADS/WIDTH/CONTEXT}, which {@link #parse} reads back. */
    public String label() {
        return layers + "/" + heads + "/" + width + "/" + contextLength;
    }
}
