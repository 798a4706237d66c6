package io.collapselab.experiment;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

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
     * @throws InvalidConfigException when the text is not JSON or does not fit the config's shape; its message names
     *                                the field, its line and column, and what is wrong
     */
    public static ExperimentConfig read(byte[] json) throws IOException {
        return readDescribed(json).config();
    }

    /** Reads a config and its {@value #DESCRIPTION} (null when it has none); see {@link #read}. */
    public static Described readDescribed(byte[] json) throws IOException {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (JsonParseException e) {
            JsonLocation at = e.getLocation();
            String path = e.getProcessor() == null ? "" : dotted(e.getProcessor().getParsingContext().pathAsPointer());
            throw new InvalidConfigException(path, at == null ? -1 : at.getLineNr(), at == null ? -1
                    : at.getColumnNr(), e.getOriginalMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidConfigException("", -1, -1, "an experiment config is a JSON object", null);
        }
        JsonNode description = ((ObjectNode) tree).remove(DESCRIPTION);
        if (description != null && !description.isTextual()) {
            throw located(json, JsonPointer.compile("/" + DESCRIPTION), "must be text", null);
        }
        ExperimentConfig config;
        try {
            config = CONFIG_READER.readValue(CONFIG_READER.treeAsTokens(tree));
        } catch (JsonMappingException e) {
            throw located(json, pointer(e.getPath()), problem(e), e);
        }
        return new Described(config, description == null ? null : description.textValue());
    }

    /**
     * A config that is not JSON or does not fit the config's shape. Its message names the field as a dotted path
     * ({@code model.layers}), where it is in the file, and what is wrong, in terms of the config rather than of
     * Jackson: {@code model.layers (line 12, column 5): must be a whole number, not null}.
     */
    public static final class InvalidConfigException extends JsonProcessingException {

        private final String path;
        private final int line;
        private final int column;
        private final String problem;

        InvalidConfigException(String path, int line, int column, String problem, Throwable cause) {
            super(problem, cause);
            this.path = path;
            this.line = line;
            this.column = column;
            this.problem = problem;
        }

        /** The field as a dotted path, with [i] for list elements; empty for the whole document. */
        public String path() {
            return path;
        }

        /** 1-based; -1 when unknown. */
        public int line() {
            return line;
        }

        /** 1-based; -1 when unknown. */
        public int column() {
            return column;
        }

        @Override
        public String getOriginalMessage() {
            String where = line < 0 ? "" : "line " + line + ", column " + column;
            String field = path.isEmpty() ? where : where.isEmpty() ? path : path + " (" + where + ")";
            return field.isEmpty() ? problem : field + ": " + problem;
        }

        @Override
        public String getMessage() {
            return getOriginalMessage();
        }
    }

    /** The exception for the field at {@code pointer}, placed where the field's name (or value) is in the text. */
    private static InvalidConfigException located(byte[] json, JsonPointer pointer, String problem, Throwable cause) {
        int line = -1;
        int column = -1;
        try (JsonParser parser = MAPPER.createParser(json)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (parser.getParsingContext().pathAsPointer().equals(pointer)) {
                    JsonLocation at = parser.currentTokenLocation();
                    line = at.getLineNr();
                    column = at.getColumnNr();
                    break;
                }
            }
        } catch (IOException e) {
            // The text parsed once already; without a location the message still names the field.
        }
        return new InvalidConfigException(dotted(pointer), line, column, problem, cause);
    }

    private static JsonPointer pointer(List<JsonMappingException.Reference> path) {
        JsonPointer pointer = JsonPointer.empty();
        for (JsonMappingException.Reference reference : path) {
            pointer = reference.getFieldName() != null ? pointer.appendProperty(reference.getFieldName())
                    : pointer.appendIndex(reference.getIndex());
        }
        return pointer;
    }

    /** {@code /model/layers} as {@code model.layers}, {@code /a/2} as {@code a[2]}. */
    private static String dotted(JsonPointer pointer) {
        StringBuilder path = new StringBuilder();
        for (JsonPointer rest = pointer; !rest.matches(); rest = rest.tail()) {
            if (rest.mayMatchElement()) {
                path.append('[').append(rest.getMatchingIndex()).append(']');
            } else {
                path.append(path.length() == 0 ? "" : ".").append(rest.getMatchingProperty());
            }
        }
        return path.toString();
    }

    /** What is wrong with the field, in the config's terms. */
    private static String problem(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field; the fields here are " + unknown.getKnownPropertyIds().stream().map(Object::toString)
                    .sorted().collect(Collectors.joining(", "));
        }
        if (e instanceof InvalidFormatException invalid) {
            return "must be " + kind(invalid.getTargetType()) + ", not " + invalid.getValue();
        }
        if (e instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null) {
            String original = String.valueOf(e.getOriginalMessage());
            if (original.contains("`null`")) {
                return "must be " + kind(mismatched.getTargetType()) + ", not null";
            }
            return "must be " + kind(mismatched.getTargetType());
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null && e.getCause().getMessage() != null) {
            return e.getCause().getMessage();
        }
        return e.getOriginalMessage();
    }

    private static String kind(Class<?> type) {
        if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
            return "a whole number";
        }
        if (type == double.class || type == float.class || type == Double.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "text";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(Object::toString)
                    .collect(Collectors.joining(", "));
        }
        return "a " + type.getSimpleName();
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
