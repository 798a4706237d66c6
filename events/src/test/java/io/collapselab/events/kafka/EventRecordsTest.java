package io.collapselab.events.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.events.CollapseEvent;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.EventIds;
import io.collapselab.events.Fixtures;
import io.collapselab.events.Mutations;
import io.collapselab.events.json.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventRecordsTest {

    static List<CollapseEvent> events() {
        return Fixtures.allEvents();
    }

    @ParameterizedTest
    @MethodSource("events")
    void aRecordGoesToTheEventsTopicKeyedByRunIdWithItsJson(CollapseEvent event) {
        ProducerRecord<String, byte[]> record = EventRecords.toRecord(event);

        assertEquals(Topics.topicFor(event), record.topic());
        assertEquals(Fixtures.RUN_ID, record.key());
        assertNull(record.partition(), "the partition must follow from the key");
        assertArrayEquals(EventJson.toBytes(event), record.value());
    }

    @Test
    void aRecordCarriesTheCloudEventsHeaders() {
        CollapseEvent event = Fixtures.checkpointPublished();

        ProducerRecord<String, byte[]> record = EventRecords.toRecord(event);

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("ce_specversion", "1.0");
        expected.put("ce_id", event.eventId());
        expected.put("ce_type", "io.collapselab.CheckpointPublished.v3");
        expected.put("ce_source", "/collapse-lab/trainer-service/trainer-7d9f8-x2k4q");
        expected.put("ce_time", "2024-05-01T12:00:00Z");
        expected.put("ce_subject", "demo-run-1");
        expected.put("content-type", "application/json");
        assertEquals(expected, headerMap(record.headers()));
    }

    @Test
    void anInvalidEventIsRefusedBeforeItIsPublished() {
        CollapseEvent invalid = Mutations.with(Fixtures.corpusGenerated(), "tokenCount", 0);

        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> EventRecords.toRecord(invalid));

        assertEquals("refusing to publish an invalid CorpusGenerated: tokenCount must be positive, was 0",
                thrown.getMessage());
    }

    @Test
    void aDeadLetterGoesToTheDeadLetterTopicKeyedByTheOriginalKey() {
        DeadLetter deadLetter = Fixtures.deadLetter();

        ProducerRecord<String, byte[]> record = EventRecords.toRecord(deadLetter);

        assertEquals(Topics.DEAD_LETTER, record.topic());
        assertEquals(Fixtures.RUN_ID, record.key());
        assertEquals(deadLetter, EventJson.readDeadLetter(record.value()));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("ce_specversion", "1.0");
        expected.put("ce_id", EventIds.deadLetterId(deadLetter));
        expected.put("ce_type", "io.collapselab.DeadLetter.v2");
        expected.put("ce_source", "/collapse-lab/trainer-service/trainer-7d9f8-x2k4q");
        expected.put("ce_time", "2024-05-01T12:00:00Z");
        expected.put("ce_subject", "demo-run-1");
        expected.put("content-type", "application/json");
        assertEquals(expected, headerMap(record.headers()));
    }

    @Test
    void aDeadLetterOfAKeylessRecordHasNoSubject() {
        DeadLetter keyless = DeadLetter.of("record has no value", Topics.RUNS, 0, 1, null, null, Fixtures.TRAINER,
                Fixtures.OCCURRED_AT);

        ProducerRecord<String, byte[]> record = EventRecords.toRecord(keyless);

        assertNull(record.key());
        assertFalse(headerMap(record.headers()).containsKey("ce_subject"));
    }

    @Test
    void anInvalidDeadLetterIsRefused() {
        DeadLetter invalid = DeadLetter.of("", Topics.RUNS, 0, 1, null, null, Fixtures.TRAINER, Fixtures.OCCURRED_AT);

        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> EventRecords.toRecord(invalid));

        assertEquals("refusing to publish an invalid dead letter: reason must not be blank", thrown.getMessage());
    }

    @ParameterizedTest
    @MethodSource("events")
    void aPublishedRecordDecodesToTheSameEvent(CollapseEvent event) {
        ConsumerRecord<String, byte[]> consumed = consumed(EventRecords.toRecord(event));

        assertEquals(new DecodedEvent.Valid(event), EventRecords.decode(consumed));
    }

    @Test
    void aRecordKeyedByAnotherRunIsInvalid() {
        ProducerRecord<String, byte[]> sent = EventRecords.toRecord(Fixtures.checkpointPublished());
        ConsumerRecord<String, byte[]> consumed = consumed(new ProducerRecord<>(sent.topic(), null, "other-run",
                sent.value(), sent.headers()));

        DecodedEvent decoded = EventRecords.decode(consumed);

        assertEquals(new DecodedEvent.Invalid("record key 'other-run' does not match the event's runId 'demo-run-1'",
                sent.value()), decoded);
    }

    @Test
    void aRecordWithoutValueIsInvalidWhetherDecodedHereOrByTheConsumer() {
        ConsumerRecord<String, byte[]> tombstone = consumed(new ProducerRecord<>(Topics.RUNS, "demo-run-1", null));
        ConsumerRecord<String, DecodedEvent> deserialized = new ConsumerRecord<>(Topics.RUNS, 0, 0L, "demo-run-1",
                null);

        assertEquals(new DecodedEvent.Invalid("record has no value", null), EventRecords.decode(tombstone));
        assertEquals(new DecodedEvent.Invalid("record has no value", null), EventRecords.checked(deserialized));
    }

    @Test
    void aDeserializedRecordPassesTheChecksWhenItsKeyIsItsRunId() {
        DecodedEvent valid = new DecodedEvent.Valid(Fixtures.corpusGenerated());
        DecodedEvent invalid = new DecodedEvent.Invalid("not valid JSON", new byte[] {1});

        assertEquals(valid, EventRecords.checked(new ConsumerRecord<>(Topics.CORPORA, 0, 0L, "demo-run-1", valid)));
        assertEquals(invalid, EventRecords.checked(new ConsumerRecord<>(Topics.CORPORA, 0, 0L, "other-run",
                invalid)));
    }

    @Test
    void aDeserializedRecordKeyedByAnotherRunIsInvalid() {
        CollapseEvent event = Fixtures.corpusGenerated();

        DecodedEvent checked = EventRecords.checked(new ConsumerRecord<>(Topics.CORPORA, 0, 0L, "other-run",
                new DecodedEvent.Valid(event)));

        assertEquals(new DecodedEvent.Invalid("record key 'other-run' does not match the event's runId 'demo-run-1'",
                EventJson.toBytes(event)), checked);
    }

    @Test
    void aMalformedRecordDecodesToInvalidWithItsBytes() {
        byte[] garbage = "{\"type\":".getBytes(StandardCharsets.UTF_8);

        DecodedEvent decoded = EventRecords.decode(consumed(new ProducerRecord<>(Topics.RUNS, "demo-run-1", garbage)));

        DecodedEvent.Invalid invalid = assertInstanceOf(DecodedEvent.Invalid.class, decoded);
        assertTrue(invalid.reason().startsWith("not valid JSON: "), invalid.reason());
        assertArrayEquals(garbage, invalid.originalBytes());
    }

    @Test
    void aDeadLetterReportsWhereTheRefusedRecordCameFrom() {
        byte[] value = "{oops".getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<String, byte[]> consumed = new ConsumerRecord<>(Topics.CORPORA, 4, 1234L, 0L,
                TimestampType.CREATE_TIME, 0, value.length, "demo-run-1", value, new RecordHeaders(),
                Optional.empty());
        Instant now = Instant.parse("2024-05-02T08:30:00Z");

        DeadLetter deadLetter = EventRecords.deadLetter(consumed, "not valid JSON", Fixtures.TRAINER, now);

        assertEquals(DeadLetter.of("not valid JSON", Topics.CORPORA, 4, 1234L, "demo-run-1", value,
                Fixtures.TRAINER, now), deadLetter);
    }

    /** The record as a consumer would see it: same topic, key, value and headers, at partition 0, offset 0. */
    static ConsumerRecord<String, byte[]> consumed(ProducerRecord<String, byte[]> record) {
        return new ConsumerRecord<>(record.topic(), 0, 0L, 0L, TimestampType.CREATE_TIME, 0,
                record.value() == null ? 0 : record.value().length, record.key(), record.value(), record.headers(),
                Optional.empty());
    }

    static Map<String, String> headerMap(Headers headers) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Header header : headers) {
            assertFalse(map.containsKey(header.key()), "duplicate header " + header.key());
            map.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return map;
    }
}
