package io.collapselab.lm.pretrained;

import ai.djl.ndarray.NDManager;
import io.collapselab.lm.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static io.collapselab.lm.pretrained.TinyGpt2.Layout.BASE_MODEL;
import static io.collapselab.lm.pretrained.TinyGpt2.Layout.LM_HEAD_MODEL;
import static io.collapselab.lm.pretrained.TinyGpt2.Precision.BF16;
import static io.collapselab.lm.pretrained.TinyGpt2.Precision.F32;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Everything the import must refuse, each with a message that names what is wrong. */
class Gpt2ImportRefusalTest {

    static final int POSITIONS = Gpt2ImportTest.POSITIONS;

    @TempDir
    Path dir;

    @Test
    void anotherLayerNormEpsilon() throws IOException {
        assertRefused(model -> model.config().put("layer_norm_epsilon", 1e-6), BASE_MODEL,
                "layer_norm_epsilon is 1.0E-6");
    }

    @Test
    void anUnknownActivation() throws IOException {
        assertRefused(model -> model.config().put("activation_function", "relu"), BASE_MODEL,
                "activation_function: activation 'relu' is not supported (supported: gelu, gelu_new)");
    }

    @Test
    void aModelThatIsNotGpt2() throws IOException {
        assertRefused(model -> model.config().put("model_type", "llama"), BASE_MODEL, "model_type is 'llama'");
    }

    @Test
    void aConfigWithoutTheLayerCount() throws IOException {
        assertRefused(model -> model.config().remove("n_layer"), BASE_MODEL, "lacks n_layer");
    }

    @Test
    void anMlpOfAnotherWidth() throws IOException {
        assertRefused(model -> model.config().put("n_inner", 3 * model.width()), BASE_MODEL, "n_inner is 48");
    }

    @Test
    void attentionScaledByLayer() throws IOException {
        assertRefused(model -> model.config().put("scale_attn_by_inverse_layer_idx", true), BASE_MODEL,
                "scale_attn_by_inverse_layer_idx is true");
    }

    @Test
    void aTensorThatMapsToNoWeight() throws IOException {
        assertRefused(model -> model.tensors().put("h.0.attn.rotary.weight",
                        new TinyGpt2.Tensor(new long[] {2}, new float[] {1, 2})), LM_HEAD_MODEL,
                "tensor 'transformer.h.0.attn.rotary.weight' is no weight of a GPT-2 with n_layer 2");
    }

    @Test
    void aLayerBeyondTheConfig() throws IOException {
        assertRefused(model -> model.config().put("n_layer", 1), BASE_MODEL,
                "tensor 'h.1.", "' is no weight of a GPT-2 with n_layer 1");
    }

    @Test
    void aMissingTensor() throws IOException {
        assertRefused(model -> model.tensors().remove("h.1.mlp.c_proj.bias"), BASE_MODEL,
                "lacks tensor 'h.1.mlp.c_proj.bias'");
    }

    @Test
    void aConv1dWeightStoredTheModelsWay() throws IOException {
        assertRefused(model -> {
            TinyGpt2.Tensor fc = model.tensors().get("h.0.mlp.c_fc.weight");
            model.tensors().put("h.0.mlp.c_fc.weight", new TinyGpt2.Tensor(new long[] {fc.shape()[1], fc.shape()[0]},
                    fc.values()));
        }, BASE_MODEL, "tensor 'h.0.mlp.c_fc.weight' has shape (64, 16), config.json needs (16, 64)");
    }

    @Test
    void aHeadThatIsNotTied() throws IOException {
        assertRefused(model -> {
            TinyGpt2.Tensor wte = model.tensors().get("wte.weight");
            float[] head = wte.values().clone();
            head[3] += 0.25f;
            model.tensors().put("lm_head.weight", new TinyGpt2.Tensor(wte.shape(), head));
        }, LM_HEAD_MODEL, "lm_head.weight differs from wte.weight");
    }

    @Test
    void aContextLongerThanThePositions() throws IOException {
        Path files = Gpt2ImportTest.tiny().write(dir.resolve("gpt2"), BASE_MODEL, F32);
        assertMessage(files, POSITIONS + 1, "context length 17 exceeds n_positions 16");
    }

    @Test
    void aMissingWeightsFile() throws IOException {
        Path files = Gpt2ImportTest.tiny().write(dir.resolve("gpt2"), BASE_MODEL, F32);
        Files.delete(files.resolve(Gpt2Import.WEIGHTS_FILE));
        assertMessage(files, POSITIONS, "has no model.safetensors");
    }

    @Test
    void aMissingConfig() throws IOException {
        Path files = Gpt2ImportTest.tiny().write(dir.resolve("gpt2"), BASE_MODEL, F32);
        Files.delete(files.resolve(Gpt2Import.CONFIG_FILE));
        assertMessage(files, POSITIONS, "has no config.json");
    }

    @Test
    void aMissingDirectory() {
        assertMessage(dir.resolve("nowhere"), POSITIONS, "does not exist");
    }

    @Test
    void aWeightsFileThatIsNotSafetensors() throws IOException {
        Path files = Gpt2ImportTest.tiny().write(dir.resolve("gpt2"), BASE_MODEL, F32);
        Files.writeString(files.resolve(Gpt2Import.WEIGHTS_FILE), "<html>not found</html>");
        assertMessage(files, POSITIONS, "is not a safetensors file");
    }

    @Test
    void bfloat16BeforeTheEngineSeesIt() throws IOException {
        Path files = Gpt2ImportTest.tiny().exactInHalfPrecision().write(dir.resolve("bf16"), BASE_MODEL, BF16);
        assertMessage(files, POSITIONS, "is stored as BF16, which DJL's PyTorch engine cannot read");
    }

    @Test
    void aTokenizerOfAnotherVocabulary() throws IOException {
        Path files = Gpt2ImportTest.tiny().write(dir.resolve("gpt2"), BASE_MODEL, F32);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Gpt2Import.languageModel(files, ByteTokenizer.INSTANCE, POSITIONS, 0f));
        assertTrue(refused.getMessage().contains("vocab_size is 50 tokens, the tokenizer has 256"),
                refused.getMessage());
    }

    private void assertRefused(Consumer<TinyGpt2> edit, TinyGpt2.Layout layout, String... expected)
            throws IOException {
        TinyGpt2 model = Gpt2ImportTest.tiny();
        edit.accept(model);
        assertMessage(model.write(dir.resolve("edited"), layout, F32), POSITIONS, expected);
    }

    /** The import fails with a message that contains each of {@code expected}. */
    private static void assertMessage(Path files, int contextLength, String... expected) {
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> Gpt2Import.gpt(files, contextLength, 0f, manager));
            for (String part : expected) {
                assertTrue(refused.getMessage().contains(part), refused.getMessage());
            }
        }
    }
}
