package io.collapselab.events.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.Fixtures;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.json.MalformedEventException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class EventJsonTest {

    private static final ObjectMapper MAPPER = EventJson.newObjectMapper();

    static Stream<CollapseEvent> events() {
        return Stream.concat(Fixtures.allEvents().stream(), Stream.of(Fixtures.firstCheckpointPublished()));
    }

    @ParameterizedTest
    @MethodSource("events")
    void everyEventRoundTrips(CollapseEvent event) {
        assertEquals(event, EventJson.readEvent(EventJson.toBytes(event)));
        assertEquals(event, EventJson.readEvent(EventJson.toPrettyJson(event)));
    }

    @ParameterizedTest
    @MethodSource("events")
    void theTypeDiscriminatorComesFirstThenTheEventId(CollapseEvent event) {
        String json = new String(EventJson.toBytes(event), StandardCharsets.UTF_8);

        assertTrue(json.startsWith("{\"type\":\"" + event.type().typeName() + "\",\"eventId\":\"" + event.eventId()
                + "\",\"schemaVersion\":" + CollapseEvent.CURRENT_SCHEMA_VERSION + ","), json);
    }

    @Test
    void theSameEventAlwaysGivesTheSameBytes() {
        assertArrayEquals(EventJson.toBytes(Fixtures.runRequested()), EventJson.toBytes(Fixtures.runRequested()));
    }

    @Test
    void instantsAreIsoTextAndKeepNanoseconds() {
        Instant precise = Instant.parse("2024-05-01T12:00:00.123456789Z");
        RunCompleted event = RunCompleted.of(Fixtures.RUN_ID, 2, precise, Fixtures.EVALUATOR,
                RunCompleted.Reason.CANCELLED, "cancelled by the submitter", 1);

        String json = new String(EventJson.toBytes(event), StandardCharsets.UTF_8);

        assertTrue(json.contains("\"occurredAt\":\"2024-05-01T12:00:00.123456789Z\""), json);
        assertEquals(precise, EventJson.readEvent(json).occurredAt());
    }

    @Test
    void nullsAreWrittenOutSoTheShapeNeverChanges() {
        String json = new String(EventJson.toBytes(Fixtures.firstCheckpointPublished()), StandardCharsets.UTF_8);

        assertTrue(json.contains("\"parentCheckpointSha256\":null"), json);
    }

    @ParameterizedTest
    @EnumSource(RunCompleted.Reason.class)
    void completionReasonsAreLowercaseHyphenatedWireNames(RunCompleted.Reason reason) {
        RunCompleted event = RunCompleted.of(Fixtures.RUN_ID, 3, Fixtures.OCCURRED_AT, Fixtures.EVALUATOR, reason,
                "detail", 3);

        String json = new String(EventJson.toBytes(event), StandardCharsets.UTF_8);

        assertTrue(json.contains("\"reason\":\"" + reason.name().toLowerCase().replace('_', '-') + "\""), json);
        assertEquals(reason, ((RunCompleted) EventJson.readEvent(json)).reason());
    }

    @Test
    void unknownFieldsFromNewerWritersAreIgnoredAtEveryLevel() {
        ObjectNode tree = tree(Fixtures.runRequested());
        tree.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
        ((ObjectNode) tree.get("producer")).put("region", "eu-west-1");
        ((ObjectNode) tree.get("config").get("model")).put("rotaryEmbeddings", true);
        ((ObjectNode) tree.get("inputs").get("train")).putObject("encryption").put("kms", "key-1");

        assertEquals(Fixtures.runRequested(), EventJson.readEvent(tree.toString()));
    }

    @Test
    void aNewerSchemaVersionIsReadByTheFieldsThisVersionKnows() {
        ObjectNode tree = tree(Fixtures.corpusGenerated());
        tree.put("schemaVersion", 7);
        tree.put("samplerBackend", "flash");

        CollapseEvent event = EventJson.readEvent(tree.toString());

        assertEquals(7, event.schemaVersion());
        assertEquals(Fixtures.corpusGenerated().corpus(), ((CorpusGenerated) event).corpus());
    }

    @Test
    void aMissingTypeIsATypedFailure() {
        ObjectNode tree = tree(Fixtures.checkpointPublished());
        tree.remove("type");

        MalformedEventException thrown = assertMalformed(Kind.MISSING_TYPE, tree.toString());

        assertEquals("event has no \"type\" string property; expected one of RunRequested, RunCompleted, "
                + "CheckpointPublished, CorpusGenerated, EvaluationCompleted", thrown.getMessage());
    }

    @Test
    void aTypeThatIsNotAStringCountsAsMissing() {
        ObjectNode tree = tree(Fixtures.checkpointPublished());
        tree.put("type", 42);

        assertMalformed(Kind.MISSING_TYPE, tree.toString());
    }

    @Test
    void anUnknownTypeIsATypedFailure() {
        ObjectNode tree = tree(Fixtures.checkpointPublished());
        tree.put("type", "ModelDeleted");

        MalformedEventException thrown = assertMalformed(Kind.UNKNOWN_TYPE, tree.toString());

        assertTrue(thrown.getMessage().startsWith("unknown event type 'ModelDeleted'; expected one of RunRequested"),
                thrown.getMessage());
    }

    @Test
    void typeNamesAreCaseSensitive() {
        ObjectNode tree = tree(Fixtures.checkpointPublished());
        tree.put("type", "checkpointpublished");

        assertMalformed(Kind.UNKNOWN_TYPE, tree.toString());
    }

    @Test
    void textThatIsNotJsonIsATypedFailure() {
        assertMalformed(Kind.NOT_JSON, "{not json");
        assertMalformed(Kind.NOT_JSON, "");
        assertMalformed(Kind.NOT_JSON, "   ");
        assertMalformed(Kind.NOT_JSON, tree(Fixtures.runCompleted()) + " trailing");
        MalformedEventException thrown = assertThrows(MalformedEventException.class,
                () -> EventJson.readEvent((byte[]) null));
        assertEquals(Kind.NOT_JSON, thrown.kind());
    }

    @Test
    void duplicatePropertiesAreRejectedRatherThanResolvedSilently() {
        String json = tree(Fixtures.runCompleted()).toString().replaceFirst("\\{", "{\"runId\":\"other-run\",");

        MalformedEventException thrown = assertMalformed(Kind.NOT_JSON, json);

        assertTrue(thrown.getMessage().contains("runId"), thrown.getMessage());
    }

    @Test
    void jsonThatIsNotAnObjectIsATypedFailure() {
        MalformedEventException thrown = assertMalformed(Kind.NOT_AN_OBJECT, "[1, 2]");

        assertEquals("expected a JSON object, found array", thrown.getMessage());
        assertMalformed(Kind.NOT_AN_OBJECT, "\"RunRequested\"");
    }

    @Test
    void aMissingNumberIsAFailureNotASilentZero() {
        ObjectNode tree = tree(Fixtures.checkpointPublished());
        tree.remove("generation");

        MalformedEventException thrown = assertMalformed(Kind.INVALID_FIELDS, tree.toString());

        assertTrue(thrown.getMessage().startsWith("CheckpointPublished does not fit its schema: "),
                thrown.getMessage());
        assertTrue(thrown.getMessage().contains("generation"), thrown.getMessage());
    }

    @Test
    void aFractionWhereAnIntegerBelongsIsAFailure() {
        ObjectNode tree = tree(Fixtures.checkpointPublished());
        tree.put("generation", 1.5);

        assertMalformed(Kind.INVALID_FIELDS, tree.toString());
    }

    @Test
    void aWronglyTypedNestedFieldNamesItsPath() {
        ObjectNode tree = tree(Fixtures.checkpointPublished());
        ((ObjectNode) tree.get("checkpoint")).put("size", "large");

        MalformedEventException thrown = assertMalformed(Kind.INVALID_FIELDS, tree.toString());

        assertTrue(thrown.getMessage().endsWith("(at checkpoint.size)"), thrown.getMessage());
    }

    @Test
    void anUnknownCompletionReasonIsAFailure() {
        ObjectNode tree = tree(Fixtures.runCompleted());
        tree.put("reason", "timed-out");

        MalformedEventException thrown = assertMalformed(Kind.INVALID_FIELDS, tree.toString());

        assertTrue(thrown.getMessage().contains("timed-out"), thrown.getMessage());
    }

    @Test
    void failureMessagesStayShortForHugeInputs() {
        String huge = "{\"type\":\"" + "X".repeat(1_000_000) + "\"}";

        MalformedEventException thrown = assertMalformed(Kind.UNKNOWN_TYPE, huge);

        assertTrue(thrown.getMessage().length() < 1_000, () -> "message of " + thrown.getMessage().length());
    }

    @Test
    void deadLettersRoundTripWithTheirOriginalBytesInBase64() {
        DeadLetter deadLetter = Fixtures.deadLetter();

        String json = new String(EventJson.toBytes(deadLetter), StandardCharsets.UTF_8);

        assertTrue(json.contains("\"originalValue\":\"e25vdCBqc29u\""), json);
        assertEquals(deadLetter, EventJson.readDeadLetter(EventJson.toBytes(deadLetter)));
    }

    @Test
    void aDeadLetterOfARecordWithoutValueRoundTrips() {
        DeadLetter deadLetter = DeadLetter.of("record has no value", "collapse.runs", 0, 7, null, null,
                Fixtures.TRAINER, Fixtures.OCCURRED_AT);

        DeadLetter read = EventJson.readDeadLetter(EventJson.toBytes(deadLetter));

        assertEquals(deadLetter, read);
        assertNull(read.originalValue());
    }

    @Test
    void aDeadLetterOfAHugeRecordKeepsItsStartSizeAndDigestWellInsideTheProducerLimit() throws Exception {
        byte[] huge = new byte[900 * 1024];
        new Random(7).nextBytes(huge);
        String hugeKey = "k".repeat(200_000);

        DeadLetter deadLetter = DeadLetter.of("too big", "collapse.corpora", 1, 99, hugeKey, huge, Fixtures.TRAINER,
                Fixtures.OCCURRED_AT);
        byte[] json = EventJson.toBytes(deadLetter);

        assertTrue(json.length < 128 * 1024, () -> json.length + " bytes");
        assertFalse(deadLetter.hasWholeOriginal());
        assertArrayEquals(Arrays.copyOf(huge, DeadLetter.MAX_ORIGINAL_BYTES), deadLetter.originalValue());
        assertEquals(huge.length, deadLetter.originalSize());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(huge)),
                deadLetter.originalSha256());
        assertEquals(DeadLetter.MAX_ORIGINAL_KEY_CHARS, deadLetter.originalKey().length());
        assertEquals(deadLetter, EventJson.readDeadLetter(json));
    }

    @Test
    void aVersionOneDeadLetterReadsWithoutSizeOrDigest() {
        DeadLetter read = EventJson.readDeadLetter(("{\"schemaVersion\":1,\"reason\":\"r\",\"sourceTopic\":"
                + "\"collapse.runs\",\"sourcePartition\":0,\"sourceOffset\":3,\"originalValue\":\"e30=\"}")
                .getBytes(StandardCharsets.UTF_8));

        assertEquals(1, read.schemaVersion());
        assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), read.originalValue());
        assertNull(read.originalSize());
        assertTrue(read.hasWholeOriginal());
    }

    @Test
    void unreadableDeadLettersAreTypedFailures() {
        MalformedEventException notJson = assertThrows(MalformedEventException.class,
                () -> EventJson.readDeadLetter("nope".getBytes(StandardCharsets.UTF_8)));
        MalformedEventException badField = assertThrows(MalformedEventException.class,
                () -> EventJson.readDeadLetter("{\"sourceOffset\":\"later\"}".getBytes(StandardCharsets.UTF_8)));

        assertEquals(Kind.NOT_JSON, notJson.kind());
        assertEquals(Kind.INVALID_FIELDS, badField.kind());
    }

    @Test
    void readingDoesNotValidate() {
        // Validation is a separate step, so that an invalid event can be read and its problems reported.
        ObjectNode tree = tree(Fixtures.checkpointPublished());
        tree.put("runId", "Not A Run Id");

        CheckpointPublished event = (CheckpointPublished) EventJson.readEvent(tree.toString());

        assertEquals("Not A Run Id", event.runId());
    }

    private static ObjectNode tree(CollapseEvent event) {
        try {
            return (ObjectNode) MAPPER.readTree(EventJson.toBytes(event));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static MalformedEventException assertMalformed(Kind expected, String json) {
        MalformedEventException thrown = assertThrows(MalformedEventException.class,
                () -> EventJson.readEvent(json));
        assertEquals(expected, thrown.kind(), thrown.getMessage());
        return thrown;
    }
}
