package io.collapselab.lm.tokenizer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** A tokenizer's checkpoint form as bytes, the way {@code Checkpoint} writes and reads it. */
final class TokenizerStreams {

    private TokenizerStreams() {
    }

    static byte[] serialized(Tokenizer tokenizer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            tokenizer.write(out);
        }
        return bytes.toByteArray();
    }

    static Tokenizer deserialized(byte[] bytes) throws IOException {
        return Tokenizer.read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }
}
