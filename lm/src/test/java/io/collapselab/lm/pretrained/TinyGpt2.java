package io.collapselab.lm.pretrained;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.collapselab.lm.random.Rng;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small GPT-2 with random weights from a fixed seed, written as the Hugging Face Hub serves one: a
 * {@code config.json} with the fields transformers writes, and a {@code model.safetensors} with GPT-2's tensor
 * names, the Conv1D weights stored (in, out) and the causal-mask buffers {@code h.N.attn.bias}. {@link #tensors()}
 * and {@link #config()} may be edited before {@link #write}, to make the variants an import must refuse.
 *
 * <p>The weights are larger than GPT-2's initial ones (standard deviations around 0.3 rather than 0.02), so that
 * attention is far from uniform and the MLP far from linear: the logits then tell activations and layouts apart.
 */
public final class TinyGpt2 {

    /** How tensor names are written. */
    public enum Layout {
        /** As {@code openai-community/gpt2}: bare names, old {@code attn.masked_bias} buffers, no head. */
        BASE_MODEL,
        /** As a fine-tune saved from {@code GPT2LMHeadModel}: a {@code transformer.} prefix, a boolean
         *  {@code attn.bias} and an {@code lm_head.weight} equal to {@code wte}. */
        LM_HEAD_MODEL
    }

    /** The stored type of the weights; their values must be exact in it (see {@link #exactInHalfPrecision}). */
    public enum Precision {
        F32(4), F16(2), BF16(2);

        private final int bytes;

        Precision(int bytes) {
            this.bytes = bytes;
        }
    }

    /** A tensor as GPT-2 stores it: its shape and its values in row-major order. */
    public record Tensor(long[] shape, float[] values) {

        public Tensor {
            if (Arrays.stream(shape).reduce(1, Math::multiplyExact) != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold "
                        + values.length + " values");
            }
        }

        /** The value at row {@code row}, column {@code column} of a matrix. */
        public double at(int row, int column) {
            return values[Math.toIntExact(row * shape[1] + column)];
        }

        /** The value at {@code index} of a vector. */
        public double at(int index) {
            return values[index];
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int HEADER_ALIGNMENT = 8;
    private static final String BOOL = "BOOL";
    private static final String LM_HEAD = "lm_head.weight";

    private final int layers;
    private final int heads;
    private final int width;
    private final int positions;
    private final int vocabularySize;
    private final Map<String, Tensor> tensors;
    private final Map<String, Object> config;

    private TinyGpt2(int layers, int heads, int width, int positions, int vocabularySize,
                     Map<String, Tensor> tensors) {
        this.layers = layers;
        this.heads = heads;
        this.width = width;
        this.positions = positions;
        this.vocabularySize = vocabularySize;
        this.tensors = tensors;
        this.config = hubConfig(layers, heads, width, positions, vocabularySize);
    }

    /** A GPT-2 of the given shape with weights drawn from {@code seed}. */
    public static TinyGpt2 random(int layers, int heads, int width, int positions, int vocabularySize, long seed) {
        Rng rng = new Rng(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("wte.weight", normal(rng, 0.5, 0, vocabularySize, width));
        tensors.put("wpe.weight", normal(rng, 0.3, 0, positions, width));
        for (int i = 0; i < layers; i++) {
            String h = "h." + i + ".";
            tensors.put(h + "ln_1.weight", normal(rng, 0.1, 1, width));
            tensors.put(h + "ln_1.bias", normal(rng, 0.1, 0, width));
            tensors.put(h + "attn.c_attn.weight", normal(rng, 0.3, 0, width, 3 * width));
            tensors.put(h + "attn.c_attn.bias", normal(rng, 0.1, 0, 3 * width));
            tensors.put(h + "attn.c_proj.weight", normal(rng, 0.3, 0, width, width));
            tensors.put(h + "attn.c_proj.bias", normal(rng, 0.1, 0, width));
            tensors.put(h + "ln_2.weight", normal(rng, 0.1, 1, width));
            tensors.put(h + "ln_2.bias", normal(rng, 0.1, 0, width));
            tensors.put(h + "mlp.c_fc.weight", normal(rng, 0.3, 0, width, 4 * width));
            tensors.put(h + "mlp.c_fc.bias", normal(rng, 0.1, 0, 4 * width));
            tensors.put(h + "mlp.c_proj.weight", normal(rng, 0.15, 0, 4 * width, width));
            tensors.put(h + "mlp.c_proj.bias", normal(rng, 0.1, 0, width));
        }
        tensors.put("ln_f.weight", normal(rng, 0.1, 1, width));
        tensors.put("ln_f.bias", normal(rng, 0.1, 0, width));
        return new TinyGpt2(layers, heads, width, positions, vocabularySize, tensors);
    }

    /**
     * The same model with every value cut to bfloat16's 8 significant bits, and values below float16's smallest
     * normal number set to zero: exact in float32, float16 and bfloat16 alike, so files of every precision hold
     * the same model.
     */
    public TinyGpt2 exactInHalfPrecision() {
        Map<String, Tensor> cut = new LinkedHashMap<>();
        tensors.forEach((name, tensor) -> {
            float[] values = tensor.values().clone();
            for (int i = 0; i < values.length; i++) {
                float truncated = Float.intBitsToFloat(Float.floatToIntBits(values[i]) & 0xFFFF0000);
                values[i] = Math.abs(truncated) < 0x1p-14f ? 0f : truncated;
            }
            cut.put(name, new Tensor(tensor.shape(), values));
        });
        return new TinyGpt2(layers, heads, width, positions, vocabularySize, cut);
    }

    /**
     * The weights by the hub's name without prefix, Conv1D weights (in, out); editable before {@link #write}. An
     * {@code lm_head.weight} put here is written as it is, in place of the tied copy of {@code wte}.
     */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** The fields of {@code config.json}; editable before {@link #write} ({@code null} writes JSON null). */
    public Map<String, Object> config() {
        return config;
    }

    public int layers() {
        return layers;
    }

    public int heads() {
        return heads;
    }

    public int width() {
        return width;
    }

    public int positions() {
        return positions;
    }

    public int vocabularySize() {
        return vocabularySize;
    }

    /**
     * Writes {@code config.json} and {@code model.safetensors} into {@code directory}, which it creates. The weights
     * are stored in {@code precision}; the masks as the hub's files hold them: float32 {@code attn.bias} and
     * {@code attn.masked_bias} in the base model's layout, a boolean {@code attn.bias} in the newer one.
     */
    public Path write(Path directory, Layout layout, Precision precision) throws IOException {
        Files.createDirectories(directory);
        Files.write(directory.resolve(Gpt2Import.CONFIG_FILE), JSON.writeValueAsBytes(new TreeMap<>(config)));
        String prefix = layout == Layout.LM_HEAD_MODEL ? "transformer." : "";
        Map<String, Stored> stored = new TreeMap<>();
        tensors.forEach((name, tensor) -> stored.put(LM_HEAD.equals(name) ? name : prefix + name,
                new Stored(tensor, precision.name())));
        for (int i = 0; i < layers; i++) {
            String attention = prefix + "h." + i + ".attn.";
            if (layout == Layout.BASE_MODEL) {
                stored.put(attention + "bias", new Stored(causalMask(positions), Precision.F32.name()));
                stored.put(attention + "masked_bias", new Stored(new Tensor(new long[0], new float[] {-1e4f}),
                        Precision.F32.name()));
            } else {
                stored.put(attention + "bias", new Stored(causalMask(positions), BOOL));
            }
        }
        if (layout == Layout.LM_HEAD_MODEL && !tensors.containsKey(LM_HEAD) && tensors.containsKey("wte.weight")) {
            stored.put(LM_HEAD, new Stored(tensors.get("wte.weight"), precision.name()));
        }
        try (OutputStream out = Files.newOutputStream(directory.resolve(Gpt2Import.WEIGHTS_FILE))) {
            writeSafetensors(out, stored);
        }
        return directory;
    }

    /** A tensor with the safetensors dtype it is written in. */
    private record Stored(Tensor tensor, String dtype) {
    }

    /**
     * The safetensors format: the header's length (little-endian u64), a JSON header naming each tensor's dtype,
     * shape and byte range in the data, padded with spaces to a multiple of 8 bytes, then the data.
     */
    private static void writeSafetensors(OutputStream out, Map<String, Stored> tensors) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", Map.of("format", "pt"));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, Stored> e : tensors.entrySet()) {
            long begin = data.size();
            Stored stored = e.getValue();
            data.write(encode(stored.tensor().values(), stored.dtype()));
            header.put(e.getKey(), Map.of("dtype", stored.dtype(), "shape", stored.tensor().shape(),
                    "data_offsets", List.of(begin, (long) data.size())));
        }
        byte[] json = JSON.copy().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(header);
        int padded = (json.length + HEADER_ALIGNMENT - 1) / HEADER_ALIGNMENT * HEADER_ALIGNMENT;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        out.write(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        out.write(headerBytes);
        data.writeTo(out);
    }

    private static byte[] encode(float[] values, String dtype) {
        int bytesPerValue = BOOL.equals(dtype) ? 1 : Precision.valueOf(dtype).bytes;
        ByteBuffer bytes = ByteBuffer.allocate(values.length * bytesPerValue).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            switch (dtype) {
                case "F32" -> bytes.putFloat(value);
                case "F16" -> bytes.putShort(float16Bits(value));
                case "BF16" -> bytes.putShort(bfloat16Bits(value));
                case BOOL -> bytes.put((byte) (value != 0f ? 1 : 0));
                default -> throw new IllegalArgumentException("no encoding for dtype " + dtype);
            }
        }
        return bytes.array();
    }

    /** float16 bits of a value it holds exactly: a normal float16 number or zero (no rounding needed). */
    private static short float16Bits(float value) {
        int bits = Float.floatToIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        if ((bits & 0x7FFFFFFF) == 0) {
            return (short) sign;
        }
        int exponent = ((bits >>> 23) & 0xFF) - 127 + 15;
        if (exponent < 1 || exponent > 30 || (bits & 0x1FFF) != 0) {
            throw new IllegalArgumentException(value + " is not exact in float16; use exactInHalfPrecision()");
        }
        return (short) (sign | exponent << 10 | (bits >>> 13) & 0x3FF);
    }

    private static short bfloat16Bits(float value) {
        int bits = Float.floatToIntBits(value);
        if ((bits & 0xFFFF) != 0) {
            throw new IllegalArgumentException(value + " is not exact in bfloat16; use exactInHalfPrecision()");
        }
        return (short) (bits >>> 16);
    }

    /** GPT-2's {@code attn.bias} buffer: (1, 1, P, P), ones on and below the diagonal. */
    private static Tensor causalMask(int positions) {
        float[] values = new float[positions * positions];
        for (int row = 0; row < positions; row++) {
            Arrays.fill(values, row * positions, row * positions + row + 1, 1f);
        }
        return new Tensor(new long[] {1, 1, positions, positions}, values);
    }

    private static Tensor normal(Rng rng, double std, double mean, int... shape) {
        float[] values = new float[Arrays.stream(shape).reduce(1, Math::multiplyExact)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (mean + std * rng.nextGaussian());
        }
        return new Tensor(Arrays.stream(shape).asLongStream().toArray(), values);
    }

    /** The fields transformers writes into a GPT-2's {@code config.json}. */
    private static Map<String, Object> hubConfig(int layers, int heads, int width, int positions,
                                                 int vocabularySize) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("activation_function", "gelu_new");
        config.put("architectures", List.of("GPT2LMHeadModel"));
        config.put("attn_pdrop", 0.1);
        config.put("bos_token_id", vocabularySize - 1);
        config.put("embd_pdrop", 0.1);
        config.put("eos_token_id", vocabularySize - 1);
        config.put("initializer_range", 0.02);
        config.put("layer_norm_epsilon", 1e-5);
        config.put("model_type", "gpt2");
        config.put("n_ctx", positions);
        config.put("n_embd", width);
        config.put("n_head", heads);
        config.put("n_inner", null);
        config.put("n_layer", layers);
        config.put("n_positions", positions);
        config.put("reorder_and_upcast_attn", false);
        config.put("resid_pdrop", 0.1);
        config.put("scale_attn_by_inverse_layer_idx", false);
        config.put("scale_attn_weights", true);
        config.put("summary_activation", null);
        config.put("summary_first_dropout", 0.1);
        config.put("summary_proj_to_labels", true);
        config.put("summary_type", "cls_index");
        config.put("summary_use_proj", true);
        config.put("torch_dtype", "float32");
        config.put("use_cache", true);
        config.put("vocab_size", vocabularySize);
        return config;
    }
}
