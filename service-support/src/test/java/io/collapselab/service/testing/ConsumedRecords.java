package io.collapselab.service.testing;

import io.collapselab.events.CollapseEvent;
import io.collapselab.events.json.EventJson;
import io.collapselab.events.kafka.DecodedEvent;
import io.collapselab.events.kafka.EventDeserializer;
import io.collapselab.events.kafka.EventRecords;
import io.collapselab.events.kafka.Topics;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Records as the Kafka connector hands them to a service's handler: bytes decoded by the real
 * {@link EventDeserializer}, each at an offset of its own.
 */
public final class ConsumedRecords {

    private static final AtomicLong OFFSETS = new AtomicLong();

    private ConsumedRecords() {
    }

    /** An event on its topic, keyed by its run id, with its CloudEvents headers, as a producer sends it. */
    public static ConsumerRecord<String, DecodedEvent> of(CollapseEvent event) {
        ProducerRecord<String, byte[]> record = EventRecords.toRecord(event);
        return of(record.topic(), record.key(), record.value(), record.headers());
    }

    /** Any bytes, valid or not, as the value of a record on {@code topic}. */
    public static ConsumerRecord<String, DecodedEvent> ofBytes(String topic, String key, byte[] value) {
        return of(topic, key, value, new RecordHeaders());
    }

    /** An event's JSON without the checks of {@link EventRecords#toRecord}: how an invalid event arrives. */
    public static ConsumerRecord<String, DecodedEvent> unchecked(CollapseEvent event) {
        return ofBytes(Topics.topicFor(event), event.runId(), EventJson.toBytes(event));
    }

    private static ConsumerRecord<String, DecodedEvent> of(String topic, String key, byte[] value, Headers headers) {
        DecodedEvent decoded = new EventDeserializer().deserialize(topic, headers, value);
        return new ConsumerRecord<>(topic, 0, OFFSETS.incrementAndGet(), System.currentTimeMillis(),
                TimestampType.CREATE_TIME, key == null ? -1 : key.length(), value == null ? -1 : value.length, key,
                decoded, headers, Optional.empty());
    }
}
