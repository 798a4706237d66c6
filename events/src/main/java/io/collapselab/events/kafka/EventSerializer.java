package io.collapselab.events.kafka;

import io.collapselab.events.CollapseEvent;
import io.collapselab.events.EventValidator;
import io.collapselab.events.json.EventJson;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka value serializer for events: the event's JSON, and, where the producer passes headers, the CloudEvents
 * headers. It refuses invalid events with an {@link IllegalArgumentException}: publishing one would only move the
 * failure to every consumer, so the producing service must fail instead.
 */
public class EventSerializer implements Serializer<CollapseEvent> {

    @Override
    public byte[] serialize(String topic, CollapseEvent event) {
        return validatedBytes(event);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, CollapseEvent event) {
        byte[] bytes = validatedBytes(event);
        CloudEventHeaders.write(headers, event);
        return bytes;
    }

    static byte[] validatedBytes(CollapseEvent event) {
        if (event == null) {
            throw new IllegalArgumentException("refusing to publish a record without an event");
        }
        List<String> problems = EventValidator.problems(event);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("refusing to publish an invalid " + event.type().typeName() + ": "
                    + String.join("; ", problems));
        }
        return EventJson.toBytes(event);
    }
}
