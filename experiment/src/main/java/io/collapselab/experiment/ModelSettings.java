package io.collapselab.experiment;

import java.util.List;

/**
 * Shape of the GPT and its tokenizer. The vocabulary size follows from the tokenizer: 256 for {@code byte},
 * {@code bpeVocabularySize} for {@code bpe} (trained on the run's real training text), 50,257 for {@code gpt2}
 * (GPT-2's own BPE, the one a pretrained GPT-2 needs; {@code bpeVocabularySize} is then ignored).
 */
public record ModelSettings(
        int layers,
        int heads,
        int width,
        int contextLength,
        float dropout,
        String tokenizer,
        int bpeVocabularySize) {

    public static final String BYTE_TOKENIZER = "byte";
    public static final String BPE_TOKENIZER = "bpe";
    public static final String GPT2_TOKENIZER = "gpt2";

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
