package io.collapselab.events.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.EvaluationCompleted;
import io.collapselab.events.EventValidator;
import io.collapselab.events.Fixtures;
import io.collapselab.events.RunRequested;
import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.experiment.SamplingSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden files pin the JSON contract: any change to a field name, order, nesting or format fails here. When a
 * change is intended, bump the schema version where readers need to know, and update the file in the same commit.
 */
class GoldenFilesTest {

    private static final ObjectMapper MAPPER = EventJson.newObjectMapper();

    static Stream<Arguments> goldenFiles() {
        return Stream.of(
                Arguments.of("run-requested.json", Fixtures.runRequested()),
                Arguments.of("run-completed.json", Fixtures.runCompleted()),
                Arguments.of("checkpoint-published.json", Fixtures.checkpointPublished()),
                Arguments.of("corpus-generated.json", Fixtures.corpusGenerated()),
                Arguments.of("evaluation-completed.json", Fixtures.evaluationCompleted()),
                Arguments.of("evaluation-completed-windows.json", Fixtures.windowEvaluationCompleted()),
                Arguments.of("dead-letter.json", Fixtures.deadLetter()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void serialisingTheFixtureGivesExactlyTheGoldenFile(String file, Object fixture) throws IOException {
        String pretty = fixture instanceof CollapseEvent event
                ? EventJson.toPrettyJson(event)
                : EventJson.toPrettyJson((DeadLetter) fixture);

        assertEquals(normaliseLineEndings(golden(file)), normaliseLineEndings(pretty) + "\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void theGoldenFileReadsBackToTheFixture(String file, Object fixture) throws IOException {
        byte[] bytes = golden(file).getBytes(StandardCharsets.UTF_8);
        Object read = fixture instanceof CollapseEvent ? EventJson.readEvent(bytes) : EventJson.readDeadLetter(bytes);

        assertEquals(fixture, read);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void theWireBytesAreTheGoldenFileWithoutIndentation(String file, Object fixture) throws IOException {
        byte[] wire = fixture instanceof CollapseEvent event
                ? EventJson.toBytes(event)
                : EventJson.toBytes((DeadLetter) fixture);
        byte[] compactGolden = MAPPER.writeValueAsBytes(MAPPER.readTree(golden(file)));

        assertArrayEquals(compactGolden, wire, () -> new String(wire, StandardCharsets.UTF_8));
    }

    private static String golden(String file) throws IOException {
        try (InputStream in = GoldenFilesTest.class.getResourceAsStream("/golden/" + file)) {
            assertNotNull(in, "missing golden file " + file);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String normaliseLineEndings(String text) {
        return text.replace("\r\n", "\n");
    }

    /** Events written before {@code sampling.window} existed were sampled with the fast window. */
    @Test
    void aVersionOneRunRequestedReadsWithTheWindowItWasSampledWith() throws IOException {
        RunRequested read = (RunRequested) EventJson.readEvent(golden("v1/run-requested.json")
                .getBytes(StandardCharsets.UTF_8));

        assertEquals(1, read.schemaVersion());
        assertEquals(SamplingSettings.FAST_WINDOW, read.config().sampling().window());
        assertEquals(Fixtures.runRequested().config(), read.config());
        assertEquals(EvaluationSettings.WHOLE_TEXT, read.config().evaluation().heldout());
    }

    /** Evaluations written before the held-out method, its units and the unseen share existed. */
    @Test
    void aVersionOneEvaluationReadsWithoutTheFiguresItLacked() throws IOException {
        EvaluationCompleted read = (EvaluationCompleted) EventJson.readEvent(golden("v1/evaluation-completed.json")
                .getBytes(StandardCharsets.UTF_8));
        EvaluationCompleted current = Fixtures.evaluationCompleted();

        assertEquals(1, read.schemaVersion());
        assertEquals(current.heldoutLoss(), read.heldoutLoss());
        assertEquals(current.tailMass(), read.tailMass());
        assertNull(read.heldoutMethod());
        assertNull(read.heldoutTokens());
        assertNull(read.heldoutBitsPerByte());
        assertNull(read.wholeTextLoss());
        assertNull(read.wholeTextTokens());
        assertNull(read.unseenWordShare());
        assertEquals(List.of(), EventValidator.problems(read, Fixtures.config()));
    }

    @Test
    void aVersionOneCorpusReadsWithoutTheTokenIdsItsGeneratorDidNotKeep() throws IOException {
        CorpusGenerated read = (CorpusGenerated) EventJson.readEvent(golden("v1/corpus-generated.json")
                .getBytes(StandardCharsets.UTF_8));

        assertEquals(1, read.schemaVersion());
        assertNull(read.tokens());
        assertEquals(Fixtures.corpusGenerated().corpus(), read.corpus());
        assertEquals(List.of(), EventValidator.problems(read, Fixtures.config()));
    }

    /** Checkpoints published before the weights and the training state were apart: one object holds both. */
    @Test
    void aVersionTwoCheckpointReadsWithoutATrainingStateObject() throws IOException {
        CheckpointPublished read = (CheckpointPublished) EventJson.readEvent(golden("v2/checkpoint-published.json")
                .getBytes(StandardCharsets.UTF_8));

        assertEquals(2, read.schemaVersion());
        assertNull(read.trainingState());
        assertEquals(Fixtures.checkpointPublished().checkpoint(), read.checkpoint());
        assertEquals(List.of(), EventValidator.problems(read, Fixtures.config()));
    }
}
