package io.collapselab.events.kafka;

import io.collapselab.events.CollapseEvent;
import io.collapselab.events.EventValidator;
import io.collapselab.events.json.EventJson;
import io.collapselab.events.json.MalformedEventException;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka value deserializer for events. Every record becomes a {@link DecodedEvent}: {@link DecodedEvent.Valid}
 * when it parses, passes {@link EventValidator} and agrees with its CloudEvents headers (where present), otherwise
 * {@link DecodedEvent.Invalid} with the reason and the original bytes. It never throws: an exception in a
 * deserializer surfaces from {@code poll()} at the same offset on every retry, stalling the consumer for good.
 *
 * <p>Kafka's consumer does not call value deserializers for records without a value; those arrive with a
 * {@code null} value. {@link EventRecords#checked} turns that, and a key that is not the run id, into
 * {@link DecodedEvent.Invalid} too.
 */
public class EventDeserializer implements Deserializer<DecodedEvent> {

    @Override
    public DecodedEvent deserialize(String topic, byte[] data) {
        return decode(data, null);
    }

    @Override
    public DecodedEvent deserialize(String topic, Headers headers, byte[] data) {
        return decode(data, headers);
    }

    /** Decodes a record value; {@code headers} may be {@code null} when the caller has none. */
    static DecodedEvent decode(byte[] data, Headers headers) {
        if (data == null) {
            return new DecodedEvent.Invalid("record has no value", null);
        }
        try {
            CollapseEvent event = EventJson.readEvent(data);
            List<String> problems = EventValidator.problems(event);
            if (headers != null) {
                headerProblems(event, headers, problems);
            }
            return problems.isEmpty()
                    ? new DecodedEvent.Valid(event)
                    : new DecodedEvent.Invalid("invalid " + event.type().typeName() + ": "
                            + String.join("; ", problems), data);
        } catch (MalformedEventException e) {
            return new DecodedEvent.Invalid(e.getMessage(), data);
        } catch (RuntimeException e) {
            // Whatever else goes wrong must not escape into poll(); see the class comment.
            return new DecodedEvent.Invalid("could not decode the record: " + e, data);
        }
    }

    /** A header that contradicts the body means the record was built wrongly or tampered with. */
    private static void headerProblems(CollapseEvent event, Headers headers, List<String> problems) {
        mismatch(headers, CloudEventHeaders.ID, event.eventId(), "eventId", problems);
        mismatch(headers, CloudEventHeaders.SUBJECT, event.runId(), "runId", problems);
        mismatch(headers, CloudEventHeaders.TYPE, CloudEventHeaders.type(event.type(), event.schemaVersion()),
                "type and schemaVersion", problems);
    }

    private static void mismatch(Headers headers, String header, String expected, String field,
            List<String> problems) {
        Optional<String> actual = CloudEventHeaders.read(headers, header);
        if (actual.isPresent() && !actual.get().equals(expected)) {
            problems.add("header " + header + " '" + actual.get() + "' does not match the event's " + field + " ('"
                    + expected + "')");
        }
    }
}
