package io.collapselab.events.kafka;

import io.collapselab.events.CollapseEvent;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.EventValidator;
import io.collapselab.events.ProducerInfo;
import io.collapselab.events.json.EventJson;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Events and dead letters as Kafka records, for code that works with byte-array producers and consumers: the
 * topic follows from the event type, the key is the run id (so a run's events stay in order on one partition) and
 * the CloudEvents headers are set.
 */
public final class EventRecords {

    private EventRecords() {
    }

    /**
     * The record that publishes {@code event}.
     *
     * @throws IllegalArgumentException when the event is invalid, listing every problem
     */
    public static ProducerRecord<String, byte[]> toRecord(CollapseEvent event) {
        byte[] value = EventSerializer.validatedBytes(event);
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(headers, event);
        return new ProducerRecord<>(Topics.topicFor(event), null, event.runId(), value, headers);
    }

    /**
     * The record that publishes {@code deadLetter} on {@link Topics#DEAD_LETTER}, keyed by the original key so a
     * run's refused records stay in order too.
     *
     * @throws IllegalArgumentException when the dead letter is invalid, listing every problem
     */
    public static ProducerRecord<String, byte[]> toRecord(DeadLetter deadLetter) {
        List<String> problems = EventValidator.problems(deadLetter);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("refusing to publish an invalid dead letter: "
                    + String.join("; ", problems));
        }
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(headers, deadLetter);
        return new ProducerRecord<>(Topics.DEAD_LETTER, null, deadLetter.originalKey(), EventJson.toBytes(deadLetter),
                headers);
    }

    /**
     * What {@code record} holds, as {@link EventDeserializer} decodes it, and in addition {@link DecodedEvent.Invalid}
     * when the record key is not the event's run id: such a record may sit on another partition than the rest of
     * its run, out of order. Never throws.
     */
    public static DecodedEvent decode(ConsumerRecord<String, byte[]> record) {
        DecodedEvent decoded = EventDeserializer.decode(record.value(), record.headers());
        String keyProblem = keyProblem(decoded, record.key());
        return keyProblem == null ? decoded : new DecodedEvent.Invalid(keyProblem, record.value());
    }

    /**
     * What a record consumed through {@link EventDeserializer} holds, with the checks that need the whole record:
     * a record without a value, which Kafka's consumer hands over as {@code null} without calling the
     * deserializer, and a key that is not the event's run id, are {@link DecodedEvent.Invalid}. For the latter
     * the bytes are the event written anew, as the consumer no longer has the original ones. Never throws.
     */
    public static DecodedEvent checked(ConsumerRecord<String, DecodedEvent> record) {
        DecodedEvent decoded = record.value();
        if (decoded == null) {
            return new DecodedEvent.Invalid("record has no value", null);
        }
        String keyProblem = keyProblem(decoded, record.key());
        return keyProblem == null
                ? decoded
                : new DecodedEvent.Invalid(keyProblem, EventJson.toBytes(((DecodedEvent.Valid) decoded).event()));
    }

    /** Why the key does not fit a valid event, or {@code null} when it does or the event is invalid anyway. */
    private static String keyProblem(DecodedEvent decoded, String key) {
        if (decoded instanceof DecodedEvent.Valid valid && !valid.event().runId().equals(key)) {
            return "record key '" + key + "' does not match the event's runId '" + valid.event().runId() + "'";
        }
        return null;
    }

    /** The dead letter that reports {@code record} as refused by {@code refusedBy} for {@code reason}. */
    public static DeadLetter deadLetter(ConsumerRecord<String, byte[]> record, String reason, ProducerInfo refusedBy,
            Instant occurredAt) {
        return DeadLetter.of(reason, record.topic(), record.partition(), record.offset(), record.key(),
                record.value(), refusedBy, occurredAt);
    }
}
