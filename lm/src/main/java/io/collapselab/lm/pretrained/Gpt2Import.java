package io.collapselab.lm.pretrained;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.collapselab.lm.model.Gpt;
import io.collapselab.lm.model.GptConfig;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.tokenizer.Tokenizer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Imports a GPT-2 from a model directory in the Hugging Face Hub's layout ({@code config.json} and
 * {@code model.safetensors}, as the hub serves {@code openai-community/gpt2} and its fine-tunes) into a {@link Gpt}.
 *
 * <p>The hub's tensor names, after an optional {@code transformer.} prefix, are the model's own, except that
 * {@code wte.weight} and {@code wpe.weight} are {@code wte} and {@code wpe}. GPT-2's four Conv1D weights
 * ({@code attn.c_attn}, {@code attn.c_proj}, {@code mlp.c_fc}, {@code mlp.c_proj}) are stored (in, out) and are
 * transposed to the model's (out, in). The causal-mask buffers {@code attn.bias} and {@code attn.masked_bias} are
 * dropped, and {@code lm_head.weight}, where present, must equal {@code wte} (the head is tied). Any other tensor
 * fails the import. float16 and float64 tensors become float32. A context shorter than {@code n_positions} keeps
 * the first rows of {@code wpe}, as nanoGPT's {@code crop_block_size} does.
 */
public final class Gpt2Import {

    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    /** DJL decodes a safetensors file through one Java array, which bounds the file. */
    public static final long MAX_WEIGHTS_FILE_BYTES = Integer.MAX_VALUE - 8;

    private static final String PREFIX = "transformer.";
    private static final String LM_HEAD = "lm_head.weight";
    private static final Pattern MASK_BUFFER = Pattern.compile("h\\.\\d+\\.attn\\.(bias|masked_bias)");
    private static final List<String> CONV1D_WEIGHTS = List.of(".attn.c_attn.weight", ".attn.c_proj.weight",
            ".mlp.c_fc.weight", ".mlp.c_proj.weight");
    /** Stored types DJL's PyTorch engine decodes (masks may be integers or booleans; weights must be floats). */
    private static final Set<String> DECODABLE = Set.of("F64", "F32", "F16", "I64", "U8", "BOOL");

    private Gpt2Import() {
    }

    /** The architecture in the directory's {@code config.json}, checked as {@link Gpt2Architecture#parse} does. */
    public static Gpt2Architecture architecture(Path modelDirectory) {
        Path file = existingFile(modelDirectory, CONFIG_FILE);
        try {
            return Gpt2Architecture.parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The GPT-2 in {@code modelDirectory}, reading at most {@code contextLength} tokens, with its weights in
     * {@code manager}.
     *
     * @throws IllegalArgumentException naming the file and the field or tensor, when the directory does not hold a
     *                                  GPT-2 this model computes, or {@code contextLength} exceeds its
     *                                  {@code n_positions}
     */
    public static Gpt gpt(Path modelDirectory, int contextLength, float dropout, NDManager manager) {
        return gpt(modelDirectory, architecture(modelDirectory), contextLength, dropout, manager);
    }

    /**
     * The GPT-2 in {@code modelDirectory} ready to be trained here: fresh AdamW state and no steps taken. Its
     * vocabulary must be the tokenizer's.
     *
     * @throws IllegalArgumentException as {@link #gpt} does, and when the vocabularies differ
     */
    public static LanguageModel languageModel(Path modelDirectory, Tokenizer tokenizer, int contextLength,
                                              float dropout) {
        Gpt2Architecture architecture = architecture(modelDirectory);
        if (architecture.vocabularySize() != tokenizer.vocabularySize()) {
            throw new IllegalArgumentException(modelDirectory.resolve(CONFIG_FILE) + ": vocab_size is "
                    + architecture.vocabularySize() + " tokens, the tokenizer has " + tokenizer.vocabularySize()
                    + ": import the model with the tokenizer it was trained with");
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            Gpt gpt = gpt(modelDirectory, architecture, contextLength, dropout, manager);
            return LanguageModel.fromWeights(manager, gpt, tokenizer);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static Gpt gpt(Path modelDirectory, Gpt2Architecture architecture, int contextLength, float dropout,
                           NDManager manager) {
        GptConfig config = architecture.config(contextLength, dropout);
        Path file = existingFile(modelDirectory, WEIGHTS_FILE);
        Map<String, Shape> shapes = Gpt.weightShapes(config);
        Map<String, String> hubNames = new LinkedHashMap<>();
        shapes.keySet().forEach(name -> hubNames.put(hubName(name), name));
        Map<String, NDArray> weights = new LinkedHashMap<>();
        try (NDManager scope = manager.newSubManager()) {
            StoredTensors stored = StoredTensors.sort(decode(file, scope), hubNames.keySet(), file, config.layers());
            for (Map.Entry<String, String> names : hubNames.entrySet()) {
                String hubName = names.getKey();
                String name = names.getValue();
                NDArray tensor = stored.weights().get(hubName);
                if (tensor == null) {
                    throw new IllegalArgumentException(file + " lacks tensor '" + hubName + "', which a GPT-2 with "
                            + "n_layer " + config.layers() + " has");
                }
                Shape shape = shapes.get(name);
                Shape storedShape = isConv1d(name) ? new Shape(shape.get(1), shape.get(0))
                        : "wpe".equals(name) ? new Shape(architecture.positions(), shape.get(1))
                        : shape;
                if (!tensor.getShape().equals(storedShape)) {
                    throw new IllegalArgumentException(file + ": tensor '" + hubName + "' has shape "
                            + tensor.getShape() + ", " + CONFIG_FILE + " needs " + storedShape);
                }
                if (!tensor.getDataType().isFloating()) {
                    throw new IllegalArgumentException(file + ": tensor '" + hubName + "' is "
                            + tensor.getDataType() + "; GPT-2's weights are floating point");
                }
                weights.put(name, toWeight(tensor, name, shape, manager));
            }
            if (stored.lmHead() != null) {
                requireTied(stored.lmHead(), weights.get("wte"), file);
            }
        } catch (RuntimeException e) {
            weights.values().forEach(NDArray::close);
            throw e;
        }
        return Gpt.withWeights(config, weights);
    }

    /**
     * A file's tensors sorted: the weights by the hub's name without prefix, and the head, if any; the masks are
     * closed, and any other tensor is refused.
     */
    private record StoredTensors(Map<String, NDArray> weights, NDArray lmHead) {

        static StoredTensors sort(NDList tensors, Set<String> hubNames, Path file, int layers) {
            Map<String, NDArray> weights = new HashMap<>();
            NDArray lmHead = null;
            for (NDArray tensor : tensors) {
                String name = tensor.getName();
                String bare = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
                if (LM_HEAD.equals(name)) {
                    lmHead = tensor;
                } else if (MASK_BUFFER.matcher(bare).matches()) {
                    tensor.close();
                } else if (!hubNames.contains(bare)) {
                    throw new IllegalArgumentException(file + ": tensor '" + name + "' is no weight of a GPT-2 with "
                            + "n_layer " + layers + ": this importer reads GPT-2 checkpoints only");
                } else if (weights.put(bare, tensor) != null) {
                    throw new IllegalArgumentException(file + " holds '" + bare + "' twice, with and without the '"
                            + PREFIX + "' prefix");
                }
            }
            return new StoredTensors(weights, lmHead);
        }
    }

    /** The model's name of a weight ({@code wte}) in the hub's form ({@code wte.weight}). */
    private static String hubName(String name) {
        return "wte".equals(name) || "wpe".equals(name) ? name + ".weight" : name;
    }

    private static boolean isConv1d(String name) {
        return CONV1D_WEIGHTS.stream().anyMatch(name::endsWith);
    }

    /**
     * The stored tensor as the model's weight, owned by {@code manager}. Decoded arrays, and slices of them, borrow
     * the decoder's buffers, and {@code toType} returns a float32 array itself, so {@code duplicate()} makes the
     * copy the model keeps. A Conv1D weight is transposed and copied into row-major order (a duplicate of a
     * transposed view keeps its strides), so the weights are laid out as those read back from a checkpoint, and
     * both compute the same bits.
     */
    private static NDArray toWeight(NDArray tensor, String name, Shape shape, NDManager manager) {
        try (NDManager step = tensor.getManager().newSubManager()) {
            tensor.attach(step);
            NDArray value = "wpe".equals(name)
                    ? tensor.get(new NDIndex().addSliceDim(0, shape.get(0)))
                    : tensor;
            value = value.toType(DataType.FLOAT32, false).duplicate();
            if (isConv1d(name)) {
                value = value.transpose().flatten().reshape(shape);
            }
            value.attach(manager);
            return value;
        }
    }

    private static void requireTied(NDArray lmHead, NDArray wte, Path file) {
        boolean tied = lmHead.getShape().equals(wte.getShape()) && lmHead.getDataType().isFloating()
                && lmHead.toType(DataType.FLOAT32, false).contentEquals(wte);
        if (!tied) {
            throw new IllegalArgumentException(file + ": " + LM_HEAD + " differs from wte.weight; this model's head "
                    + "is tied to the token embedding, so a GPT-2 with a head of its own cannot be imported");
        }
    }

    private static NDList decode(Path file, NDManager scope) {
        try {
            SafetensorsHeader.dtypes(file).forEach((name, dtype) -> {
                if (!DECODABLE.contains(dtype)) {
                    throw new IllegalArgumentException(file + ": tensor '" + name + "' is stored as " + dtype
                            + ", which DJL's PyTorch engine cannot read: save the model in float32 or float16 and "
                            + "import that");
                }
            });
            long bytes = Files.size(file);
            if (bytes > MAX_WEIGHTS_FILE_BYTES) {
                throw new IllegalArgumentException(file + " is " + (bytes >> 20) + " MiB; DJL reads a safetensors "
                        + "file through one Java array, so at most " + (MAX_WEIGHTS_FILE_BYTES >> 20) + " MiB can be "
                        + "imported (gpt2 and gpt2-medium fit, gpt2-large and gpt2-xl do not)");
            }
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
                return NDList.decode(scope, in);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " could not be decoded as safetensors: " + e.getMessage(),
                        e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Path existingFile(Path modelDirectory, String name) {
        if (!Files.isDirectory(modelDirectory)) {
            throw new IllegalArgumentException("model directory " + modelDirectory + " does not exist: give a "
                    + "directory holding the hub's " + CONFIG_FILE + " and " + WEIGHTS_FILE);
        }
        Path file = modelDirectory.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(modelDirectory + " has no " + name + ": a GPT-2 model directory "
                    + "holds the hub's " + CONFIG_FILE + " and " + WEIGHTS_FILE
                    + (WEIGHTS_FILE.equals(name) ? " (pytorch_model.bin and sharded checkpoints are not read)" : ""));
        }
        return file;
    }
}
