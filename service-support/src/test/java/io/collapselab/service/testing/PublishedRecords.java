package io.collapselab.service.testing;

import io.collapselab.events.CollapseEvent;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.json.EventJson;
import io.collapselab.events.kafka.Topics;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records a service's publisher sent, read back as the events and dead letters they hold.
 *
 * @param records in the order they were sent
 */
public record PublishedRecords(List<ProducerRecord<String, byte[]>> records) {

    public PublishedRecords {
        records = List.copyOf(records);
    }

    public List<CollapseEvent> events() {
        return records.stream()
                .filter(record -> !Topics.DEAD_LETTER.equals(record.topic()))
                .map(record -> EventJson.readEvent(record.value()))
                .toList();
    }

    public <E extends CollapseEvent> List<E> events(Class<E> type, String runId) {
        return events().stream()
                .filter(type::isInstance)
                .map(type::cast)
                .filter(event -> event.runId().equals(runId))
                .toList();
    }

    public List<DeadLetter> deadLetters() {
        return records.stream()
                .filter(record -> Topics.DEAD_LETTER.equals(record.topic()))
                .map(record -> EventJson.readDeadLetter(record.value()))
                .toList();
    }

    /** The first dead letter whose original key is {@code key}. */
    public Optional<DeadLetter> deadLetter(String key) {
        return deadLetters().stream().filter(d -> Objects.equals(d.originalKey(), key)).findFirst();
    }
}
