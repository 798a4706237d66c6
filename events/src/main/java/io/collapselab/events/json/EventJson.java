package io.collapselab.events.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.EventType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The JSON form of events and dead letters.
 *
 * <p>Every event is a JSON object with a {@code "type"} discriminator (the {@link EventType#typeName()}) first,
 * then its fields in declaration order, instants as ISO-8601 UTC text ({@code 2024-05-01T12:00:00Z}), nulls
 * written out. The same event always yields the same bytes.
 *
 * <p>Compatibility: unknown properties are ignored, so a reader survives a writer that has added fields. An event
 * whose {@code schemaVersion} is higher than {@link CollapseEvent#CURRENT_SCHEMA_VERSION} is still accepted when
 * it parses; it is read by the fields this version knows. Schema versions therefore only add fields; a change that
 * removes or reinterprets one needs a new event type. What readers do not tolerate is an event missing a number
 * (rather than silently reading 0), a fractional number where an integer belongs, or duplicate properties.
 *
 * <p>All methods are thread-safe.
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = newObjectMapper();
    private static final ObjectWriter EVENT_WRITER = MAPPER.writerFor(CollapseEvent.class);
    private static final ObjectWriter PRETTY_EVENT_WRITER = EVENT_WRITER.withDefaultPrettyPrinter();
    private static final ObjectWriter DEAD_LETTER_WRITER = MAPPER.writerFor(DeadLetter.class);
    private static final ObjectWriter PRETTY_DEAD_LETTER_WRITER = DEAD_LETTER_WRITER.withDefaultPrettyPrinter();
    private static final ObjectReader EVENT_READER = MAPPER.readerFor(CollapseEvent.class);
    private static final ObjectReader DEAD_LETTER_READER = MAPPER.readerFor(DeadLetter.class);
    private static final String KNOWN_TYPES = Arrays.stream(EventType.values())
            .map(EventType::typeName)
            .collect(Collectors.joining(", "));

    private EventJson() {
    }

    /**
     * A new mapper configured as this class's own, for records stored beside events (the outbox's files, audit
     * reports) and for comparing events as trees the way they are written.
     */
    public static ObjectMapper newObjectMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // Records are written in component order, which the JDK guarantees; never alphabetically.
                .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .build();
        for (EventType type : EventType.values()) {
            mapper.registerSubtypes(new NamedType(type.eventClass(), type.typeName()));
        }
        return mapper;
    }

    /** The compact UTF-8 JSON of {@code event}, as published. */
    public static byte[] toBytes(CollapseEvent event) {
        return write(EVENT_WRITER, event);
    }

    /** Indented JSON of {@code event}, for people: audit output, golden files. */
    public static String toPrettyJson(CollapseEvent event) {
        return new String(write(PRETTY_EVENT_WRITER, event), StandardCharsets.UTF_8);
    }

    /** The compact UTF-8 JSON of {@code deadLetter}, as published. */
    public static byte[] toBytes(DeadLetter deadLetter) {
        return write(DEAD_LETTER_WRITER, deadLetter);
    }

    /** Indented JSON of {@code deadLetter}, for people. */
    public static String toPrettyJson(DeadLetter deadLetter) {
        return new String(write(PRETTY_DEAD_LETTER_WRITER, deadLetter), StandardCharsets.UTF_8);
    }

    /**
     * Reads an event from UTF-8 JSON. The result is parsed, not validated: see
     * {@link io.collapselab.events.EventValidator}.
     *
     * @throws MalformedEventException when the bytes are not an event, with the {@link MalformedEventException.Kind}
     */
    public static CollapseEvent readEvent(byte[] json) {
        JsonNode tree = readTree(json);
        JsonNode type = tree.get("type");
        if (type == null || !type.isTextual()) {
            throw new MalformedEventException(MalformedEventException.Kind.MISSING_TYPE,
                    "event has no \"type\" string property; expected one of " + KNOWN_TYPES, null);
        }
        if (EventType.fromTypeName(type.textValue()).isEmpty()) {
            throw new MalformedEventException(MalformedEventException.Kind.UNKNOWN_TYPE,
                    "unknown event type '" + abbreviate(type.textValue()) + "'; expected one of " + KNOWN_TYPES,
                    null);
        }
        try {
            return EVENT_READER.readValue(EVENT_READER.treeAsTokens(tree));
        } catch (IOException e) {
            throw new MalformedEventException(MalformedEventException.Kind.INVALID_FIELDS,
                    type.textValue() + " does not fit its schema: " + originalMessage(e), e);
        }
    }

    /** Reads an event from JSON text; see {@link #readEvent(byte[])}. */
    public static CollapseEvent readEvent(String json) {
        return readEvent(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a dead letter from UTF-8 JSON.
     *
     * @throws MalformedEventException when the bytes are not a dead letter
     */
    public static DeadLetter readDeadLetter(byte[] json) {
        JsonNode tree = readTree(json);
        try {
            return DEAD_LETTER_READER.readValue(DEAD_LETTER_READER.treeAsTokens(tree));
        } catch (IOException e) {
            throw new MalformedEventException(MalformedEventException.Kind.INVALID_FIELDS,
                    "dead letter does not fit its schema: " + originalMessage(e), e);
        }
    }

    private static JsonNode readTree(byte[] json) {
        if (json == null || json.length == 0) {
            throw new MalformedEventException(MalformedEventException.Kind.NOT_JSON, "no content", null);
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (StreamReadException e) {
            throw new MalformedEventException(MalformedEventException.Kind.NOT_JSON,
                    "not valid JSON: " + originalMessage(e), e);
        } catch (IOException e) {
            throw new MalformedEventException(MalformedEventException.Kind.NOT_JSON,
                    "not readable as JSON: " + originalMessage(e), e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new MalformedEventException(MalformedEventException.Kind.NOT_JSON, "no JSON value", null);
        }
        if (!tree.isObject()) {
            throw new MalformedEventException(MalformedEventException.Kind.NOT_AN_OBJECT,
                    "expected a JSON object, found " + tree.getNodeType().name().toLowerCase(), null);
        }
        return tree;
    }

    private static byte[] write(ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            // Only plain records and strings are written; failing here is a bug, not a condition to handle.
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * Jackson's message with the path of the offending field but without its source excerpt, which may contain
     * the whole (possibly huge) input.
     */
    private static String originalMessage(IOException e) {
        if (!(e instanceof JsonProcessingException processing)) {
            return abbreviate(e.getMessage());
        }
        String message = abbreviate(processing.getOriginalMessage());
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            message += " (at " + fieldPath(mapping) + ")";
        }
        return message;
    }

    private static String fieldPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String abbreviate(String text) {
        int max = 300;
        return text == null || text.length() <= max ? text : text.substring(0, max) + "…";
    }
}
