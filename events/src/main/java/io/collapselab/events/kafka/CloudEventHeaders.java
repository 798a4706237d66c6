package io.collapselab.events.kafka;

import io.collapselab.events.CollapseEvent;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.EventIds;
import io.collapselab.events.EventType;
import io.collapselab.events.ProducerInfo;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * CloudEvents 1.0 attributes as Kafka headers (the Kafka protocol binding, binary content mode). The record value
 * stays the plain event JSON; the headers let brokers' tooling, routers and other CloudEvents consumers see what a
 * record is without parsing it.
 */
public final class CloudEventHeaders {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    /** In binary mode the binding maps the CloudEvents {@code datacontenttype} to this header. */
    public static final String CONTENT_TYPE = "content-type";

    public static final String SPEC_VERSION_1_0 = "1.0";
    public static final String APPLICATION_JSON = "application/json";

    private static final String TYPE_PREFIX = "io.collapselab.";
    private static final String DEAD_LETTER_TYPE_NAME = "DeadLetter";

    private CloudEventHeaders() {
    }

    /** The CloudEvents type of an event, e.g. {@code io.collapselab.CheckpointPublished.v2}. */
    public static String type(EventType type, int schemaVersion) {
        return TYPE_PREFIX + type.typeName() + ".v" + schemaVersion;
    }

    /** The CloudEvents source of what {@code producer} emits: {@code /collapse-lab/<service>/<instance>}. */
    public static String source(ProducerInfo producer) {
        return "/collapse-lab/" + producer.service() + "/" + producer.instance();
    }

    /** Sets the headers for {@code event}, replacing any CloudEvents headers already there. */
    public static void write(Headers headers, CollapseEvent event) {
        put(headers, SPEC_VERSION, SPEC_VERSION_1_0);
        put(headers, ID, event.eventId());
        put(headers, TYPE, type(event.type(), event.schemaVersion()));
        put(headers, SOURCE, source(event.producer()));
        put(headers, TIME, event.occurredAt().toString());
        put(headers, SUBJECT, event.runId());
        put(headers, CONTENT_TYPE, APPLICATION_JSON);
    }

    /**
     * Sets the headers for {@code deadLetter}: its id is {@link EventIds#deadLetterId}, its source the refusing
     * service, its subject the original key when there was one.
     */
    public static void write(Headers headers, DeadLetter deadLetter) {
        put(headers, SPEC_VERSION, SPEC_VERSION_1_0);
        put(headers, ID, EventIds.deadLetterId(deadLetter));
        put(headers, TYPE, TYPE_PREFIX + DEAD_LETTER_TYPE_NAME + ".v" + deadLetter.schemaVersion());
        put(headers, SOURCE, source(deadLetter.refusedBy()));
        put(headers, TIME, deadLetter.occurredAt().toString());
        headers.remove(SUBJECT);
        if (deadLetter.originalKey() != null) {
            headers.add(SUBJECT, deadLetter.originalKey().getBytes(StandardCharsets.UTF_8));
        }
        put(headers, CONTENT_TYPE, APPLICATION_JSON);
    }

    /** The UTF-8 value of the last header named {@code name}; empty when absent or without a value. */
    public static Optional<String> read(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null
                ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
