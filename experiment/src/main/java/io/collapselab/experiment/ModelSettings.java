package io.collapselab.experiment;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Shape of the GPT and its tokenizer. The vocabulary size follows from the tokenizer: 256 for {@code byte},
 * {@code bpeVocabularySize} for {@code bpe} (trained on the run's real training text), 50,257 for {@code gpt2}
 * (GPT-2's own BPE, the one a pretrained GPT-2 needs; {@code bpeVocabularySize} is then ignored).
 *
 * <p>{@code activation}: the MLP's nonlinearity under the name Hugging Face configs give it, {@value #GELU} (exact,
 * what models trained from scratch here use and what a config without the field gets) or {@value #GELU_TANH}
 * (GPT-2's tanh approximation).
 *
 * <p>{@code initFrom}: where generation 0 starts, {@code null} for fresh weights, else a pretrained GPT-2: a
 * Hugging Face Hub repository ({@code gpt2}, {@code org/name}) or a directory holding its {@code config.json} and
 * {@code model.safetensors}. The architecture fields (layers, heads, width, tokenizer, activation) must then be
 * those of its {@code config.json}, which the submitter checks before any work starts; the context may be shorter
 * than the model's (its first positions are kept, as nanoGPT's {@code crop_block_size} does). The services never
 * read it from the submitter's disk: the submitter uploads the model once, under its digest, and names it in the
 * run's inputs. {@code random:NAME} (e.g. {@code random:gpt2}) names only the architecture of a published GPT-2,
 * its weights drawn from the run seed like any fresh model's: nothing is downloaded or uploaded, and, as for a
 * pretrained model, generation 0 may be the model itself (no pre-training step).
 */
public record ModelSettings(
        int layers,
        int heads,
        int width,
        int contextLength,
        float dropout,
        String tokenizer,
        int bpeVocabularySize,
        String activation,
        String initFrom) {

    public static final String BYTE_TOKENIZER = "byte";
    public static final String BPE_TOKENIZER = "bpe";
    public static final String GPT2_TOKENIZER = "gpt2";
    public static final String GELU = "gelu";
    public static final String GELU_TANH = "gelu_new";
    /** What starts an {@code initFrom} that names a GPT-2 architecture with seeded random weights. */
    public static final String RANDOM_PREFIX = "random:";

    /** The shapes of the GPT-2 checkpoints OpenAI published (layers, heads, width), as their configs give them. */
    private static final Map<String, List<Integer>> PUBLISHED_GPT2 = new TreeMap<>(Map.of(
            "gpt2", List.of(12, 12, 768),
            "gpt2-medium", List.of(24, 16, 1024),
            "gpt2-large", List.of(36, 20, 1280),
            "gpt2-xl", List.of(48, 25, 1600)));

    public ModelSettings {
        if (activation == null) {
            activation = GELU;
        }
    }

    /** A model trained from scratch: fresh weights, exact GELU. */
    public ModelSettings(int layers, int heads, int width, int contextLength, float dropout, String tokenizer,
                         int bpeVocabularySize) {
        this(layers, heads, width, contextLength, dropout, tokenizer, bpeVocabularySize, GELU, null);
    }

    /** Whether generation 0 starts from a pretrained model (downloaded weights) rather than fresh weights. */
    public boolean startsPretrained() {
        return initFrom != null && !startsRandom();
    }

    /** Whether {@code initFrom} names a published GPT-2's architecture with seeded random weights. */
    public boolean startsRandom() {
        return initFrom != null && initFrom.startsWith(RANDOM_PREFIX);
    }

    /**
     * {@code random:NAME}: these settings with the architecture of the published GPT-2 NAME, GPT-2's tokenizer and
     * activation, keeping context and dropout.
     *
     * @throws IllegalArgumentException naming the known architectures when NAME is none of them
     */
    public ModelSettings randomlyInitialized(String randomInitFrom) {
        List<Integer> shape = randomArchitecture(randomInitFrom);
        if (shape == null) {
            throw new IllegalArgumentException(unknownRandomArchitecture(randomInitFrom));
        }
        return initializedFrom(randomInitFrom, shape.get(0), shape.get(1), shape.get(2), GELU_TANH);
    }

    private static List<Integer> randomArchitecture(String randomInitFrom) {
        return randomInitFrom.startsWith(RANDOM_PREFIX)
                ? PUBLISHED_GPT2.get(randomInitFrom.substring(RANDOM_PREFIX.length())) : null;
    }

    private static String unknownRandomArchitecture(String randomInitFrom) {
        return "'" + randomInitFrom + "' names no GPT-2 architecture; use " + RANDOM_PREFIX + " followed by one of "
                + String.join(", ", PUBLISHED_GPT2.keySet());
    }

    /**
     * These settings starting from {@code newInitFrom} with its architecture and GPT-2's tokenizer, keeping context
     * and dropout; a {@code null} {@code newInitFrom} gives that architecture fresh weights.
     */
    public ModelSettings initializedFrom(String newInitFrom, int newLayers, int newHeads, int newWidth,
                                         String newActivation) {
        return new ModelSettings(newLayers, newHeads, newWidth, contextLength, dropout, GPT2_TOKENIZER, 0,
                newActivation, newInitFrom);
    }

    void problems(List<String> problems) {
        if (layers < 1 || layers > 96) {
            problems.add("model.layers must be between 1 and 96, was " + layers);
        }
        if (heads < 1) {
            problems.add("model.heads must be at least 1, was " + heads);
        }
        if (width < 1 || width > 16_384) {
            problems.add("model.width must be between 1 and 16384, was " + width);
        } else if (heads >= 1 && width % heads != 0) {
            problems.add("model.heads (" + heads + ") must divide model.width (" + width + ")");
        }
        if (contextLength < 2 || contextLength > 65_536) {
            problems.add("model.contextLength must be between 2 and 65536, was " + contextLength);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            problems.add("model.dropout must be in [0, 1), was " + dropout);
        }
        if (!GELU.equals(activation) && !GELU_TANH.equals(activation)) {
            problems.add("model.activation must be '" + GELU + "' or '" + GELU_TANH + "', was '" + activation + "'");
        }
        if (initFrom != null) {
            if (initFrom.isBlank()) {
                problems.add("model.initFrom must name a Hugging Face repository or a directory, or be left out");
            } else if (startsRandom()) {
                List<Integer> shape = randomArchitecture(initFrom);
                if (shape == null) {
                    problems.add("model.initFrom: " + unknownRandomArchitecture(initFrom));
                } else if (!shape.equals(List.of(layers, heads, width)) || !GELU_TANH.equals(activation)
                        || !GPT2_TOKENIZER.equals(tokenizer)) {
                    problems.add("model.initFrom '" + initFrom + "' is " + shape.get(0) + " layers, " + shape.get(1)
                            + " heads, width " + shape.get(2) + ", activation " + GELU_TANH + " and the gpt2 "
                            + "tokenizer, but the model is " + layers + " layers, " + heads + " heads, width "
                            + width + ", activation " + activation + " and the " + tokenizer + " tokenizer");
                }
            } else if (!GPT2_TOKENIZER.equals(tokenizer)) {
                problems.add("model.tokenizer must be 'gpt2' when model.initFrom names a pretrained GPT-2, was '"
                        + tokenizer + "'");
            }
        }
        if (BPE_TOKENIZER.equals(tokenizer)) {
            if (bpeVocabularySize < 257 || bpeVocabularySize > 65_536) {
                problems.add("model.bpeVocabularySize must be between 257 and 65536 for the bpe tokenizer, was "
                        + bpeVocabularySize);
            }
        } else if (!BYTE_TOKENIZER.equals(tokenizer) && !GPT2_TOKENIZER.equals(tokenizer)) {
            problems.add("model.tokenizer must be 'byte', 'bpe' or 'gpt2', was '" + tokenizer + "'");
        }
    }
}
