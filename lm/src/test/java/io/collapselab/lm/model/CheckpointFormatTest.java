package io.collapselab.lm.model;

import io.collapselab.lm.tokenizer.ByteTokenizer;
import io.collapselab.lm.tokenizer.Tokenizer;
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
    void theActivationTravelsInTheWeights() {
        for (GptConfig.Activation activation : GptConfig.Activation.values()) {
            try (LanguageModel model = LanguageModel.create(config(activation), ByteTokenizer.INSTANCE, 1)) {
                byte[] weights = Checkpoint.weights(model);
                try (LanguageModel restored = Checkpoint.read(weights)) {
                    assertEquals(activation, restored.config().activation());
                    assertArrayEquals(weights, Checkpoint.weights(restored));
                }
            }
        }
    }

    @Test
    void aVersionTwoCheckpointReadsAsTheWholeModel() throws IOException {
        try (LanguageModel model = LanguageModel.create(config(GptConfig.Activation.GELU_TANH),
                ByteTokenizer.INSTANCE, 1)) {
            model.setProgress(new TrainingProgress(7, 700, 3, 42));
            byte[] weights = Checkpoint.weights(model);
            byte[] state = Checkpoint.trainingState(model);
            try (LanguageModel restored = Checkpoint.read(combined(weights, state, 2))) {
                assertEquals(model.config(), restored.config());
                assertEquals(model.progress(), restored.progress());
                assertArrayEquals(weights, Checkpoint.weights(restored));
                assertArrayEquals(state, Checkpoint.trainingState(restored));
            }
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.read(combined(weights, state, 2), state));
            assertEquals("a version 2 checkpoint holds its own training state; no separate training-state object "
                    + "belongs to it", twice.getMessage());
        }
    }

    @Test
    void aVersionOneCheckpointReadsAsExactGelu() throws IOException {
        try (LanguageModel model = LanguageModel.create(config(GptConfig.Activation.GELU), ByteTokenizer.INSTANCE,
                1)) {
            byte[] weights = Checkpoint.weights(model);
            try (LanguageModel restored = Checkpoint.read(combined(weights, Checkpoint.trainingState(model), 1))) {
                assertEquals(model.config(), restored.config());
                assertArrayEquals(weights, Checkpoint.weights(restored));
            }
        }
        try (LanguageModel model = LanguageModel.create(config(GptConfig.Activation.GELU_TANH),
                ByteTokenizer.INSTANCE, 1);
             LanguageModel restored = Checkpoint.read(combined(Checkpoint.weights(model),
                     Checkpoint.trainingState(model), 1))) {
            assertEquals(GptConfig.Activation.GELU, restored.config().activation());
        }
    }

    @Test
    void anUnknownVersionIsRefused() throws IOException {
        byte[] bytes;
        try (LanguageModel model = LanguageModel.create(config(GptConfig.Activation.GELU), ByteTokenizer.INSTANCE,
                1)) {
            bytes = withVersion(Checkpoint.weights(model), 4);
        }
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(bytes));
        assertTrue(refused.getMessage().startsWith("checkpoint format version 4 is not supported: this build reads "
                + "versions 1 to 3"), refused.getMessage());
    }

    @Test
    void theTwoObjectsAreNotTakenForEachOther() {
        try (LanguageModel model = LanguageModel.create(config(GptConfig.Activation.GELU), ByteTokenizer.INSTANCE,
                1)) {
            byte[] weights = Checkpoint.weights(model);
            byte[] state = Checkpoint.trainingState(model);
            IllegalArgumentException stateAsWeights = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.read(state));
            assertEquals("expected a checkpoint's weights object, got its training-state object",
                    stateAsWeights.getMessage());
            IllegalArgumentException weightsAsState = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.read(weights, weights));
            assertEquals("expected a checkpoint's training-state object, got its weights object",
                    weightsAsState.getMessage());
        }
    }

    /**
     * A checkpoint of format 1 or 2, one object holding the header, the tokenizer, the training progress, the
     * weights and the optimizer state, built from the two objects of the current format.
     */
    static byte[] combined(byte[] weights, byte[] trainingState, int version) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(weights));
        DataInputStream state = new DataInputStream(new ByteArrayInputStream(trainingState));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF(in.readUTF());
        assertEquals(Checkpoint.FORMAT_VERSION, in.readInt());
        assertEquals("weights", in.readUTF());
        out.writeInt(version);
        for (int i = 0; i < 5; i++) {
            out.writeInt(in.readInt());
        }
        out.writeFloat(in.readFloat());
        String activation = in.readUTF();
        if (version == 2) {
            out.writeUTF(activation);
        }
        Tokenizer.read(in).write(out);
        state.readUTF();
        state.readInt();
        assertEquals("training-state", state.readUTF());
        out.writeLong(state.readLong());
        out.writeLong(state.readLong());
        out.writeInt(state.readInt());
        out.writeLong(state.readLong());
        in.transferTo(out);
        state.transferTo(out);
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
