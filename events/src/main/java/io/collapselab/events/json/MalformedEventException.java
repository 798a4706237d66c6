package io.collapselab.events.json;

/**
 * Bytes that are not an event this code can read. {@link #kind()} says which way they failed, so a caller can
 * react without parsing the message; the message says precisely what was wrong, for people.
 */
public final class MalformedEventException extends RuntimeException {

    /** The ways bytes can fail to be an event. */
    public enum Kind {
        /** Not valid JSON: empty, malformed, followed by trailing content, or with a property name repeated. */
        NOT_JSON,
        /** Valid JSON, but not a JSON object. */
        NOT_AN_OBJECT,
        /** A JSON object without a string {@code "type"} property. */
        MISSING_TYPE,
        /** A {@code "type"} that names no known event. */
        UNKNOWN_TYPE,
        /** A known type whose fields do not fit it, e.g. text where a number belongs or a missing number. */
        INVALID_FIELDS
    }

    private final Kind kind;

    public MalformedEventException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
