package io.collapselab.lm.tokenizer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Maps bytes to token ids and back. Tokenizers work on bytes, not characters, so that any sequence a model
 * samples decodes to bytes exactly (a byte-level model may emit invalid UTF-8; the corpus keeps those bytes).
 * {@code decode(encode(b))} equals {@code b} for every byte array.
 */
public sealed interface Tokenizer permits ByteTokenizer, BpeTokenizer, Gpt2Tokenizer {

    /** Number of distinct token ids; ids run from 0 to {@code vocabularySize() - 1}. */
    int vocabularySize();

    int[] encode(byte[] bytes);

    byte[] decode(int[] tokens);

    /** The bytes a single token stands for. */
    byte[] tokenBytes(int token);

    default int[] encode(String text) {
        return encode(text.getBytes(StandardCharsets.UTF_8));
    }

    default String decodeToString(int[] tokens) {
        return new String(decode(tokens), StandardCharsets.UTF_8);
    }

    /** Writes a self-describing form (kind tag first) that {@link #read} restores exactly. */
    void write(DataOutputStream out) throws IOException;

    static Tokenizer read(DataInputStream in) throws IOException {
        String kind = in.readUTF();
        return switch (kind) {
            case ByteTokenizer.KIND -> ByteTokenizer.INSTANCE;
            case BpeTokenizer.KIND -> BpeTokenizer.readBody(in);
            case Gpt2Tokenizer.KIND -> Gpt2Tokenizer.readBody(in);
            default -> throw new IOException("unknown tokenizer kind '" + kind + "' in checkpoint");
        };
    }
}
