package io.collapselab.lm.tokenizer;

import java.io.DataOutputStream;
import java.io.IOException;

/** One token per byte: 256 symbols, no training, nothing unknown. */
public final class ByteTokenizer implements Tokenizer {

    public static final String KIND = "byte";
    public static final ByteTokenizer INSTANCE = new ByteTokenizer();

    private ByteTokenizer() {
    }

    @Override
    public int vocabularySize() {
        return 256;
    }

    @Override
    public int[] encode(byte[] bytes) {
        int[] tokens = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            tokens[i] = bytes[i] & 0xff;
        }
        return tokens;
    }

    @Override
    public byte[] decode(int[] tokens) {
        byte[] bytes = new byte[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            bytes[i] = (byte) tokens[i];
        }
        return bytes;
    }

    @Override
    public byte[] tokenBytes(int token) {
        return new byte[] {(byte) token};
    }

    @Override
    public void write(DataOutputStream out) throws IOException {
        out.writeUTF(KIND);
    }
}
