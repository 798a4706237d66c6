package io.collapselab.lm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.collapselab.lm.optim.AdamW;
import io.collapselab.lm.tensor.TensorIo;
import io.collapselab.lm.tokenizer.Tokenizer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One self-contained binary blob per model: format version, model config, tokenizer, training progress (step
 * counters and the training-window generator's state), weights and AdamW state. Nothing in it depends on time or
 * on the process, so the same model always serialises to the same bytes and its SHA-256 identifies it.
 *
 * <p>Version 2 added the MLP's activation to the config; version 1 checkpoints, written before there was a choice,
 * are read as exact GELU.
 */
public final class Checkpoint {

    public static final String MAGIC = "collapse-lab checkpoint";
    public static final int FORMAT_VERSION = 2;
    private static final int FIRST_FORMAT_VERSION = 1;

    private Checkpoint() {
    }

    public static byte[] write(LanguageModel model) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(expectedSize(model));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(MAGIC);
            out.writeInt(FORMAT_VERSION);
            GptConfig c = model.config();
            out.writeInt(c.layers());
            out.writeInt(c.heads());
            out.writeInt(c.width());
            out.writeInt(c.contextLength());
            out.writeInt(c.vocabularySize());
            out.writeFloat(c.dropout());
            out.writeUTF(c.activation().configName());
            model.tokenizer().write(out);
            TrainingProgress p = model.progress();
            out.writeLong(p.totalSteps());
            out.writeLong(p.tokensSeen());
            out.writeInt(p.phaseStep());
            out.writeLong(p.windowRngState());
            Map<String, NDArray> weights = model.gpt().weights();
            out.writeInt(weights.size());
            for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                out.writeUTF(e.getKey());
                TensorIo.write(out, e.getValue());
            }
            model.optimizer().write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Weights and both AdamW moments, plus room for the header and the tokenizer: sized once, the buffer is not
     * copied again and again while it grows to a checkpoint of megabytes.
     */
    private static int expectedSize(LanguageModel model) {
        long values = model.gpt().weights().values().stream().mapToLong(w -> w.getShape().size()).sum();
        return (int) Math.min(Integer.MAX_VALUE - 8, 3 * values * Float.BYTES + (1 << 20));
    }

    /** The tokenizer stored in a checkpoint, read without loading the weights. */
    public static Tokenizer readTokenizer(byte[] checkpoint) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(checkpoint))) {
            readHeader(in);
            return Tokenizer.read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt checkpoint: " + e.getMessage(), e);
        }
    }

    /**
     * Restores a model from {@link #write}'s bytes on the engine's default device.
     *
     * @throws IllegalArgumentException when the bytes are not a checkpoint of a supported format version
     */
    public static LanguageModel read(byte[] checkpoint) {
        NDManager manager = NDManager.newBaseManager();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(checkpoint))) {
            GptConfig config = readHeader(in);
            Tokenizer tokenizer = Tokenizer.read(in);
            TrainingProgress progress = new TrainingProgress(in.readLong(), in.readLong(), in.readInt(),
                    in.readLong());
            int count = in.readInt();
            if (count < 0 || count > 100_000) {
                throw new IOException("corrupt weight count " + count);
            }
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                weights.put(name, TensorIo.read(in, manager));
            }
            AdamW optimizer = new AdamW(manager);
            optimizer.read(in);
            if (in.read() != -1) {
                throw new IOException("unexpected bytes after the optimizer state");
            }
            return new LanguageModel(manager, Gpt.withWeights(config, weights), tokenizer, optimizer, progress);
        } catch (IOException | RuntimeException e) {
            manager.close();
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("corrupt checkpoint: " + e.getMessage(), e);
        }
    }

    private static GptConfig readHeader(DataInputStream in) throws IOException {
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
}
