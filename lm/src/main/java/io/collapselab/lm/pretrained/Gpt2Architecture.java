package io.collapselab.lm.pretrained;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.lm.model.Gpt;
import io.collapselab.lm.model.GptConfig;

import java.io.IOException;

/**
 * The network a GPT-2 {@code config.json} from the Hugging Face Hub describes, accepted only where {@link Gpt}
 * computes exactly that network: {@code model_type} gpt2, LayerNorm epsilon 1e-5, an
 * MLP 4 times the width, attention scaled by 1/√D and nothing else. The config's dropout rates are not read: dropout
 * is a setting of the training that follows, given with the context length in {@link #config}.
 */
public record Gpt2Architecture(int layers, int heads, int width, int positions, int vocabularySize,
                               GptConfig.Activation activation) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The architecture {@code configJson} describes.
     *
     * @param source names the file in messages
     * @throws IllegalArgumentException naming the field, when the config is not one of a GPT-2 this model computes
     */
    public static Gpt2Architecture parse(byte[] configJson, String source) {
        JsonNode config;
        try {
            config = JSON.readTree(configJson);
        } catch (IOException e) {
            String reason = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            throw new IllegalArgumentException(source + " is not valid JSON: " + reason, e);
        }
        if (config == null || !config.isObject()) {
            throw new IllegalArgumentException(source + " is not a JSON object");
        }
        Fields fields = new Fields(config, source);
        String modelType = fields.requiredText("model_type");
        if (!"gpt2".equals(modelType)) {
            throw new IllegalArgumentException(source + ": model_type is '" + modelType + "', not 'gpt2': only "
                    + "GPT-2 models can be imported");
        }
        int layers = fields.positiveInt("n_layer");
        int heads = fields.positiveInt("n_head");
        int width = fields.positiveInt("n_embd");
        int positions = fields.positiveInt("n_positions");
        int vocabularySize = fields.positiveInt("vocab_size");
        if (width % heads != 0) {
            throw new IllegalArgumentException(source + ": n_head " + heads + " does not divide n_embd " + width);
        }
        double epsilon = fields.requiredNumber("layer_norm_epsilon");
        if ((float) epsilon != Gpt.LAYER_NORM_EPS) {
            throw new IllegalArgumentException(source + ": layer_norm_epsilon is " + epsilon + "; this model's "
                    + "LayerNorm uses " + Gpt.LAYER_NORM_EPS);
        }
        GptConfig.Activation activation;
        String activationName = fields.requiredText("activation_function");
        try {
            activation = GptConfig.Activation.fromConfigName(activationName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": activation_function: " + e.getMessage(), e);
        }
        JsonNode inner = config.get("n_inner");
        if (inner != null && !inner.isNull() && !(inner.canConvertToExactIntegral() && inner.asLong() == 4L * width)) {
            throw new IllegalArgumentException(source + ": n_inner is " + inner + "; this model's MLP is 4 x n_embd = "
                    + 4L * width + " wide (or n_inner null)");
        }
        fields.requireBooleanOrAbsent("scale_attn_weights", true);
        fields.requireBooleanOrAbsent("scale_attn_by_inverse_layer_idx", false);
        fields.requireBooleanOrAbsent("add_cross_attention", false);
        return new Gpt2Architecture(layers, heads, width, positions, vocabularySize, activation);
    }

    /**
     * This network reading at most {@code contextLength} tokens, which crops the position embedding to its first
     * {@code contextLength} rows as nanoGPT's {@code crop_block_size} does.
     *
     * @throws IllegalArgumentException when {@code contextLength} exceeds {@code n_positions}
     */
    public GptConfig config(int contextLength, float dropout) {
        if (contextLength > positions) {
            throw new IllegalArgumentException("context length " + contextLength + " exceeds n_positions "
                    + positions + " of this GPT-2: use a context length of at most " + positions + " tokens");
        }
        return new GptConfig(layers, heads, width, contextLength, vocabularySize, dropout, activation);
    }

    /** The fields of one config, read with messages that name the field and the file. */
    private record Fields(JsonNode config, String source) {

        JsonNode required(String name) {
            JsonNode value = config.get(name);
            if (value == null || value.isNull()) {
                throw new IllegalArgumentException(source + " lacks " + name + ", which every GPT-2 config has");
            }
            return value;
        }

        String requiredText(String name) {
            JsonNode value = required(name);
            if (!value.isTextual()) {
                throw new IllegalArgumentException(source + ": " + name + " must be a string, was " + value);
            }
            return value.asText();
        }

        double requiredNumber(String name) {
            JsonNode value = required(name);
            if (!value.isNumber()) {
                throw new IllegalArgumentException(source + ": " + name + " must be a number, was " + value);
            }
            return value.asDouble();
        }

        int positiveInt(String name) {
            JsonNode value = required(name);
            if (!value.canConvertToExactIntegral() || value.asLong() < 1 || value.asLong() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(source + ": " + name + " must be a positive integer, was "
                        + value);
            }
            return value.asInt();
        }

        void requireBooleanOrAbsent(String name, boolean supported) {
            JsonNode value = config.get(name);
            if (value != null && !value.isNull() && !(value.isBoolean() && value.asBoolean() == supported)) {
                throw new IllegalArgumentException(source + ": " + name + " is " + value + "; this model supports "
                        + "only " + supported);
            }
        }
    }
}
