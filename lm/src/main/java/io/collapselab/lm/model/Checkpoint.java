package io.collapselab.lm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.collapselab.lm.optim.AdamW;
import io.collapselab.lm.tensor.TensorIo;
import io.collapselab.lm.tokenizer.Tokenizer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model as two binary objects: its <em>weights</em> (format version, model config, tokenizer, weights), all that
 * sampling and evaluation need, and its <em>training state</em> (format version, training progress — step counters
 * and the training-window generator's state — and the AdamW moments), which only further training needs and which
 * is twice the size of the weights. Nothing in either depends on time or on the process, so the same model always
 * serialises to the same bytes and their SHA-256 identifies it. Both are written to and read from streams tensor by
 * tensor, so a model of any size passes through buffers of one tensor at most.
 *
 * <p>Version 3 split the two objects. Version 2 added the MLP's activation to the config; version 1 checkpoints,
 * written before there was a choice, are read as exact GELU. A version 1 or 2 checkpoint is one object holding both
 * parts, and still reads as a whole model.
 */
public final class Checkpoint {

    public static final String MAGIC = "collapse-lab checkpoint";
    public static final int FORMAT_VERSION = 3;
    private static final int FIRST_FORMAT_VERSION = 1;
    private static final int LAST_COMBINED_VERSION = 2;
    private static final String WEIGHTS = "weights";
    private static final String TRAINING_STATE = "training-state";
    private static final int STREAM_BUFFER_BYTES = 1 << 16;

    private Checkpoint() {
    }

    /** The weights object of a model, in memory: for models small enough to hold it twice. */
    public static byte[] weights(LanguageModel model) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(expectedWeightBytes(model));
        writeWeights(model, bytes);
        return bytes.toByteArray();
    }

    /** The training-state object of a model, in memory: for models small enough to hold it twice. */
    public static byte[] trainingState(LanguageModel model) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(2 * expectedWeightBytes(model));
        writeTrainingState(model, bytes);
        return bytes.toByteArray();
    }

    /** Writes the weights object to {@code target}, which is flushed but left open. */
    public static void writeWeights(LanguageModel model, OutputStream target) {
        try {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(target, STREAM_BUFFER_BYTES));
            writeHeader(out, WEIGHTS);
            GptConfig c = model.config();
            out.writeInt(c.layers());
            out.writeInt(c.heads());
            out.writeInt(c.width());
            out.writeInt(c.contextLength());
            out.writeInt(c.vocabularySize());
            out.writeFloat(c.dropout());
            out.writeUTF(c.activation().configName());
            model.tokenizer().write(out);
            Map<String, NDArray> weights = model.gpt().weights();
            out.writeInt(weights.size());
            for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                out.writeUTF(e.getKey());
                TensorIo.write(out, e.getValue());
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the model's weights: " + e.getMessage(), e);
        }
    }

    /** Writes the training-state object to {@code target}, which is flushed but left open. */
    public static void writeTrainingState(LanguageModel model, OutputStream target) {
        try {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(target, STREAM_BUFFER_BYTES));
            writeHeader(out, TRAINING_STATE);
            writeProgress(out, model.progress());
            model.optimizer().write(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the model's training state: " + e.getMessage(), e);
        }
    }

    /** Sized once, the buffer is not copied again and again while it grows to megabytes. */
    private static int expectedWeightBytes(LanguageModel model) {
        long values = model.gpt().weights().values().stream().mapToLong(w -> w.getShape().size()).sum();
        return (int) Math.min(Integer.MAX_VALUE / 2 - 8, values * Float.BYTES + (1 << 20));
    }

    /** The tokenizer stored in a weights object (or a version 1 or 2 checkpoint), read without the weights. */
    public static Tokenizer readTokenizer(byte[] weights) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(weights))) {
            readConfig(in, readVersion(in, WEIGHTS));
            return Tokenizer.read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt checkpoint: " + e.getMessage(), e);
        }
    }

    /** {@link #read(InputStream)} from bytes. */
    public static LanguageModel read(byte[] weights) {
        return read(new ByteArrayInputStream(weights));
    }

    /** {@link #read(InputStream, InputStream)} from bytes. */
    public static LanguageModel read(byte[] weights, byte[] trainingState) {
        return read(new ByteArrayInputStream(weights), new ByteArrayInputStream(trainingState));
    }

    /**
     * A model for sampling and evaluation from its weights object, read to its end, on the engine's default device.
     * Its optimizer is fresh and its progress {@link TrainingProgress#START}, unless the object is a version 1 or 2
     * checkpoint, which holds the training state too.
     *
     * @throws IllegalArgumentException when the bytes are not weights of a supported format version
     */
    public static LanguageModel read(InputStream weights) {
        return readWeights(weights).model();
    }

    /**
     * A model to train further, from its weights object and its training-state object, each read to its end.
     *
     * @param trainingState the training-state object, or {@code null} for a fresh optimizer (or a version 1 or 2
     *                      checkpoint, whose training state is in the weights' object)
     * @throws IllegalArgumentException when either is not a supported object of its kind
     */
    public static LanguageModel read(InputStream weights, InputStream trainingState) {
        WeightsRead read = readWeights(weights);
        LanguageModel model = read.model();
        if (trainingState != null) {
            try {
                if (read.version() <= LAST_COMBINED_VERSION) {
                    throw new IllegalArgumentException("a version " + read.version() + " checkpoint holds its own "
                            + "training state; no separate training-state object belongs to it");
                }
                readTrainingState(model, trainingState);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }
        return model;
    }

    /**
     * Replaces the training progress and optimizer state of a model read from its weights object by those of its
     * training-state object, read to its end: the second half of {@link #read(InputStream, InputStream)}, for a
     * caller that cannot hold both streams open at once. The model must have been read from a version 3 weights
     * object. On failure the model's training state is undefined.
     *
     * @throws IllegalArgumentException when the stream is not a training-state object of a supported version
     */
    public static void readTrainingState(LanguageModel model, InputStream trainingState) {
        try {
            DataInputStream state = dataInput(trainingState);
            readVersion(state, TRAINING_STATE);
            TrainingProgress progress = readProgress(state);
            model.optimizer().read(state);
            requireEnd(state, "the optimizer state");
            model.setProgress(progress);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt checkpoint training state: " + e.getMessage(), e);
        }
    }

    /** A model read from its weights object, and the format version the object had. */
    private record WeightsRead(LanguageModel model, int version) {
    }

    private static WeightsRead readWeights(InputStream weights) {
        NDManager manager = NDManager.newBaseManager();
        try {
            DataInputStream in = dataInput(weights);
            int version = readVersion(in, WEIGHTS);
            GptConfig config = readConfig(in, version);
            Tokenizer tokenizer = Tokenizer.read(in);
            boolean combined = version <= LAST_COMBINED_VERSION;
            TrainingProgress progress = combined ? readProgress(in) : TrainingProgress.START;
            Map<String, NDArray> weightArrays = readWeights(in, manager);
            AdamW optimizer = new AdamW(manager);
            if (combined) {
                optimizer.read(in);
            }
            requireEnd(in, combined ? "the optimizer state" : "the weights");
            return new WeightsRead(new LanguageModel(manager, Gpt.withWeights(config, weightArrays), tokenizer,
                    optimizer, progress), version);
        } catch (IOException | RuntimeException e) {
            manager.close();
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("corrupt checkpoint: " + e.getMessage(), e);
        }
    }

    private static DataInputStream dataInput(InputStream in) {
        return new DataInputStream(in instanceof ByteArrayInputStream || in instanceof BufferedInputStream
                ? in : new BufferedInputStream(in, STREAM_BUFFER_BYTES));
    }

    private static Map<String, NDArray> readWeights(DataInputStream in, NDManager manager) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > 100_000) {
            throw new IOException("corrupt weight count " + count);
        }
        Map<String, NDArray> weights = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            weights.put(name, TensorIo.read(in, manager));
        }
        return weights;
    }

    private static void requireEnd(DataInputStream in, String last) throws IOException {
        if (in.read() != -1) {
            throw new IOException("unexpected bytes after " + last);
        }
    }

    private static void writeHeader(DataOutputStream out, String kind) throws IOException {
        out.writeUTF(MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeUTF(kind);
    }

    /**
     * The format version, checked against what this build reads, and from version 3 on the object's kind, checked
     * against the one expected (version 1 and 2 checkpoints are both kinds in one).
     */
    private static int readVersion(DataInputStream in, String expectedKind) throws IOException {
        String magic = in.readUTF();
        if (!MAGIC.equals(magic)) {
            throw new IllegalArgumentException("not a collapse-lab checkpoint");
        }
        int version = in.readInt();
        if (version < FIRST_FORMAT_VERSION || version > FORMAT_VERSION) {
            throw new IllegalArgumentException("checkpoint format version " + version + " is not supported: this "
                    + "build reads versions " + FIRST_FORMAT_VERSION + " to " + FORMAT_VERSION
                    + "; read it with the collapse-lab build that wrote it");
        }
        if (version > LAST_COMBINED_VERSION) {
            String kind = in.readUTF();
            if (!kind.equals(expectedKind)) {
                throw new IllegalArgumentException("expected a checkpoint's " + expectedKind + " object, got its "
                        + kind + " object");
            }
        } else if (!expectedKind.equals(WEIGHTS)) {
            throw new IllegalArgumentException("a version " + version + " checkpoint is no " + expectedKind
                    + " object: it holds the whole model");
        }
        return version;
    }

    private static GptConfig readConfig(DataInputStream in, int version) throws IOException {
        int layers = in.readInt();
        int heads = in.readInt();
        int width = in.readInt();
        int contextLength = in.readInt();
        int vocabularySize = in.readInt();
        float dropout = in.readFloat();
        GptConfig.Activation activation = version == FIRST_FORMAT_VERSION
                ? GptConfig.Activation.GELU
                : GptConfig.Activation.fromConfigName(in.readUTF());
        return new GptConfig(layers, heads, width, contextLength, vocabularySize, dropout, activation);
    }

    private static void writeProgress(DataOutputStream out, TrainingProgress p) throws IOException {
        out.writeLong(p.totalSteps());
        out.writeLong(p.tokensSeen());
        out.writeInt(p.phaseStep());
        out.writeLong(p.windowRngState());
    }

    private static TrainingProgress readProgress(DataInputStream in) throws IOException {
        return new TrainingProgress(in.readLong(), in.readLong(), in.readInt(), in.readLong());
    }
}
