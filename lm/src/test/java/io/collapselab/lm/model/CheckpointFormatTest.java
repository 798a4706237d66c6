package io.collapselab.lm.model;

import io.collapselab.lm.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointFormatTest {

    static GptConfig config(GptConfig.Activation activation) {
        return new GptConfig(1, 2, 16, 8, 256, 0f, activation);
    }

    @Test
    void theActivationTravelsInTheCheckpoint() {
        for (GptConfig.Activation activation : GptConfig.Activation.values()) {
            try (LanguageModel model = LanguageModel.create(config(activation), ByteTokenizer.INSTANCE, 1)) {
                byte[] bytes = Checkpoint.write(model);
                try (LanguageModel restored = Checkpoint.read(bytes)) {
                    assertEquals(activation, restored.config().activation());
                    assertArrayEquals(bytes, Checkpoint.write(restored));
                }
            }
        }
    }

    @Test
    void aVersionOneCheckpointReadsAsExactGelu() throws IOException {
        try (LanguageModel model = LanguageModel.create(config(GptConfig.Activation.GELU), ByteTokenizer.INSTANCE,
                1)) {
            byte[] current = Checkpoint.write(model);
            try (LanguageModel restored = Checkpoint.read(asVersionOne(current))) {
                assertEquals(model.config(), restored.config());
                assertArrayEquals(current, Checkpoint.write(restored));
            }
        }
        try (LanguageModel model = LanguageModel.create(config(GptConfig.Activation.GELU_TANH),
                ByteTokenizer.INSTANCE, 1);
             LanguageModel restored = Checkpoint.read(asVersionOne(Checkpoint.write(model)))) {
            assertEquals(GptConfig.Activation.GELU, restored.config().activation());
        }
    }

    @Test
    void anUnknownVersionIsRefused() throws IOException {
        byte[] bytes;
        try (LanguageModel model = LanguageModel.create(config(GptConfig.Activation.GELU), ByteTokenizer.INSTANCE,
                1)) {
            bytes = withVersion(Checkpoint.write(model), 3);
        }
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(bytes));
        assertTrue(refused.getMessage().startsWith("checkpoint format version 3 is not supported: this build reads "
                + "versions 1 to 2"), refused.getMessage());
    }

    /** A current checkpoint in the version 1 format: the same header without the activation. */
    static byte[] asVersionOne(byte[] checkpoint) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(checkpoint));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF(in.readUTF());
        assertEquals(2, in.readInt());
        out.writeInt(1);
        for (int i = 0; i < 5; i++) {
            out.writeInt(in.readInt());
        }
        out.writeFloat(in.readFloat());
        in.readUTF();
        in.transferTo(out);
        out.flush();
        return bytes.toByteArray();
    }

    static byte[] withVersion(byte[] checkpoint, int version) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(checkpoint));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF(in.readUTF());
        in.readInt();
        out.writeInt(version);
        in.transferTo(out);
        out.flush();
        return bytes.toByteArray();
    }
}
