package io.collapselab.lm.tokenizer;

import java.util.function.IntFunction;

/** Decoding for tokenizers that hold each token's bytes: the pieces sized first, then copied into one array. */
final class TokenBytes {

    private TokenBytes() {
    }

    /** The bytes of {@code tokens} in order; {@code bytesOf} returns a token's bytes, unchanged, or throws. */
    static byte[] concatenate(int[] tokens, IntFunction<byte[]> bytesOf) {
        int length = 0;
        for (int token : tokens) {
            length += bytesOf.apply(token).length;
        }
        byte[] bytes = new byte[length];
        int position = 0;
        for (int token : tokens) {
            byte[] piece = bytesOf.apply(token);
            System.arraycopy(piece, 0, bytes, position, piece.length);
            position += piece.length;
        }
        return bytes;
    }
}
