package io.collapselab.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON form of an {@link ExperimentConfig} as people write it: a config file, a preset. Fields are named and
 * nested as in the records; the events carry the same shape inside {@code RunRequested}.
 *
 * <p>A config file is read strictly, since a misspelt or missing field would otherwise run a different
 * experiment than the one written down: unknown fields, missing numbers ({@code null} for a primitive), fractions
 * where an integer belongs and duplicate fields are errors. One top-level field is not part of the experiment:
 * {@value #DESCRIPTION}, a note for people on what the config is for (every preset has one). It is read and
 * dropped, so a preset printed by {@code collapse presets NAME} is a config file as it stands.
 */
public final class ExperimentJson {

    /** The top-level field for people, which is not part of the experiment. */
    public static final String DESCRIPTION = "description";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectReader CONFIG_READER = MAPPER.readerFor(ExperimentConfig.class);

    private ExperimentJson() {
    }

    /** An experiment config with its description, if it has one; the config is parsed, not validated. */
    public record Described(ExperimentConfig config, String description) {
    }

    /**
     * Reads a config from UTF-8 JSON, dropping its {@value #DESCRIPTION}; parsed, not validated (see
     * {@link ExperimentConfig#problems()}).
     *
     * @throws JsonProcessingException when the text is not JSON or does not fit the config's shape; its original
     *                                 message names the field
     */
    public static ExperimentConfig read(byte[] json) throws IOException {
        return readDescribed(json).config();
    }

    /** Reads a config and its {@value #DESCRIPTION} (null when it has none); see {@link #read}. */
    public static Described readDescribed(byte[] json) throws IOException {
        JsonNode tree = MAPPER.readTree(json);
        if (tree == null || !tree.isObject()) {
            throw new JsonProcessingException("an experiment config is a JSON object") { };
        }
        JsonNode description = ((ObjectNode) tree).remove(DESCRIPTION);
        if (description != null && !description.isTextual()) {
            throw new JsonProcessingException("'" + DESCRIPTION + "' must be text") { };
        }
        ExperimentConfig config = CONFIG_READER.readValue(CONFIG_READER.treeAsTokens(tree));
        return new Described(config, description == null ? null : description.textValue());
    }

    /** Indented JSON of {@code config}, in the form {@link #read} reads. */
    public static String toPrettyJson(ExperimentConfig config) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("an experiment config is plain records and must write as JSON", e);
        }
    }
}
