package io.collapselab.events.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.events.CollapseEvent;
import io.collapselab.events.Fixtures;
import io.collapselab.events.Mutations;
import io.collapselab.events.json.EventJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventSerdeTest {

    private final EventSerializer serializer = new EventSerializer();
    private final EventDeserializer deserializer = new EventDeserializer();

    static List<CollapseEvent> events() {
        return Fixtures.allEvents();
    }

    @ParameterizedTest
    @MethodSource("events")
    void everyEventRoundTripsWithItsHeaders(CollapseEvent event) {
        Headers headers = new RecordHeaders();
        String topic = Topics.topicFor(event);

        byte[] bytes = serializer.serialize(topic, headers, event);

        assertEquals(EventRecords.toRecord(event).headers(), headers);
        assertEquals(new DecodedEvent.Valid(event), deserializer.deserialize(topic, headers, bytes));
    }

    @Test
    void serializingReplacesStaleCloudEventsHeadersInsteadOfDuplicatingThem() {
        Headers headers = new RecordHeaders();
        headers.add(CloudEventHeaders.ID, "stale".getBytes(StandardCharsets.UTF_8));
        headers.add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                .getBytes(StandardCharsets.UTF_8));

        serializer.serialize(Topics.CORPORA, headers, Fixtures.corpusGenerated());

        Map<String, String> written = EventRecordsTest.headerMap(headers);
        assertEquals(Fixtures.corpusGenerated().eventId(), written.get(CloudEventHeaders.ID));
        assertEquals(Set.of("traceparent", "ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time",
                "ce_subject", "content-type"), written.keySet());
    }

    @Test
    void withoutHeadersTheBodyAloneDecides() {
        byte[] bytes = serializer.serialize(Topics.CORPORA, Fixtures.corpusGenerated());

        assertEquals(new DecodedEvent.Valid(Fixtures.corpusGenerated()),
                deserializer.deserialize(Topics.CORPORA, bytes));
    }

    @Test
    void theSerializerRefusesInvalidEventsAndNulls() {
        CollapseEvent invalid = Mutations.with(Fixtures.checkpointPublished(), "trainLoss", Double.NaN);

        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> serializer.serialize(Topics.CHECKPOINTS, new RecordHeaders(), invalid));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> serializer.serialize(Topics.CHECKPOINTS, null));

        assertEquals("refusing to publish an invalid CheckpointPublished: trainLoss must be a finite number >= 0, "
                + "was NaN", thrown.getMessage());
        assertEquals("refusing to publish a record without an event", none.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{not json", "[]", "{}", "{\"type\":\"Unheard\"}", "{\"type\":\"RunCompleted\"}",
            "\u0000\u0001\u0002"})
    void malformedRecordsBecomeInvalidNeverExceptions(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);

        DecodedEvent decoded = deserializer.deserialize(Topics.RUNS, new RecordHeaders(), bytes);

        DecodedEvent.Invalid invalid = assertInstanceOf(DecodedEvent.Invalid.class, decoded);
        assertArrayEquals(bytes, invalid.originalBytes());
        assertTrue(invalid.reason() != null && !invalid.reason().isBlank());
    }

    @Test
    void theReasonSaysWhatWasWrong() {
        DecodedEvent unknown = deserializer.deserialize(Topics.RUNS,
                "{\"type\":\"Unheard\"}".getBytes(StandardCharsets.UTF_8));
        DecodedEvent notAnObject = deserializer.deserialize(Topics.RUNS, "[]".getBytes(StandardCharsets.UTF_8));

        assertEquals("unknown event type 'Unheard'; expected one of RunRequested, RunCompleted, CheckpointPublished, "
                + "CorpusGenerated, EvaluationCompleted", ((DecodedEvent.Invalid) unknown).reason());
        assertEquals("expected a JSON object, found array", ((DecodedEvent.Invalid) notAnObject).reason());
    }

    @Test
    void aRecordWithoutValueIsInvalid() {
        assertEquals(new DecodedEvent.Invalid("record has no value", null),
                deserializer.deserialize(Topics.RUNS, new RecordHeaders(), (byte[]) null));
    }

    @Test
    void aWellFormedButInvalidEventIsInvalidWithEveryProblem() {
        CollapseEvent invalid = Mutations.with(Mutations.with(Fixtures.evaluationCompleted(), "distinct2", 1.5),
                "cycleLength", -2);
        byte[] bytes = EventJson.toBytes(invalid);

        DecodedEvent decoded = deserializer.deserialize(Topics.EVALUATIONS, bytes);

        assertEquals(new DecodedEvent.Invalid("invalid EvaluationCompleted: distinct2 must be in [0, 1], was 1.5; "
                + "cycleLength must not be negative (0: no cycle), was -2", bytes), decoded);
    }

    @Test
    void headersThatContradictTheBodyMakeTheRecordInvalid() {
        CollapseEvent event = Fixtures.runCompleted();
        Headers headers = new RecordHeaders();
        byte[] bytes = serializer.serialize(Topics.RUNS, headers, event);
        headers.remove(CloudEventHeaders.SUBJECT);
        headers.add(CloudEventHeaders.SUBJECT, "other-run".getBytes(StandardCharsets.UTF_8));
        headers.remove(CloudEventHeaders.TYPE);
        headers.add(CloudEventHeaders.TYPE, "io.collapselab.RunRequested.v1".getBytes(StandardCharsets.UTF_8));

        DecodedEvent decoded = deserializer.deserialize(Topics.RUNS, headers, bytes);

        assertEquals(new DecodedEvent.Invalid("invalid RunCompleted: header ce_subject 'other-run' does not match the "
                + "event's runId ('demo-run-1'); header ce_type 'io.collapselab.RunRequested.v1' does not match the "
                + "event's type and schemaVersion ('io.collapselab.RunCompleted.v3')", bytes), decoded);
    }

    @Test
    void aContradictingIdHeaderMakesTheRecordInvalid() {
        Headers headers = new RecordHeaders();
        byte[] bytes = serializer.serialize(Topics.RUNS, headers, Fixtures.runRequested());
        headers.remove(CloudEventHeaders.ID);
        headers.add(CloudEventHeaders.ID, "0".repeat(64).getBytes(StandardCharsets.UTF_8));

        DecodedEvent decoded = deserializer.deserialize(Topics.RUNS, headers, bytes);

        DecodedEvent.Invalid invalid = assertInstanceOf(DecodedEvent.Invalid.class, decoded);
        assertTrue(invalid.reason().startsWith("invalid RunRequested: header ce_id '" + "0".repeat(64)
                + "' does not match the event's eventId"), invalid.reason());
    }

    @Test
    void invalidOutcomesCompareByContent() {
        DecodedEvent.Invalid a = new DecodedEvent.Invalid("r", new byte[] {1, 2});
        DecodedEvent.Invalid b = new DecodedEvent.Invalid("r", new byte[] {1, 2});

        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals("Invalid[reason=r, originalBytes=AQI=]", a.toString());
        assertNull(new DecodedEvent.Invalid("r", null).originalBytes());
    }

    @Test
    void invalidOutcomesCannotBeChangedThroughTheirBytes() {
        byte[] bytes = {1, 2, 3};
        DecodedEvent.Invalid invalid = new DecodedEvent.Invalid("r", bytes);

        bytes[0] = 9;
        invalid.originalBytes()[1] = 9;

        assertArrayEquals(new byte[] {1, 2, 3}, invalid.originalBytes());
    }
}
