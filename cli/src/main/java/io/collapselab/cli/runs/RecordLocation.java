package io.collapselab.cli.runs;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Where a record sits in the event log; printed as {@code topic-partition@offset}, as Kafka's tools do. */
public record RecordLocation(String topic, int partition, long offset) {

    public static RecordLocation of(ConsumerRecord<?, ?> record) {
        return new RecordLocation(record.topic(), record.partition(), record.offset());
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
