package io.collapselab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExperimentJsonTest {

    @Test
    void aConfigReadsBackAsWritten() throws IOException {
        ExperimentConfig config = ConfigMutations.valid();

        ExperimentJson.Described read = ExperimentJson.readDescribed(bytes(ExperimentJson.toPrettyJson(config)));

        assertEquals(config, read.config());
        assertNull(read.description());
    }

    @Test
    void anEpochsBudgetReadsBackAsWrittenAndAFixedOneWritesNoEpochs() throws IOException {
        ExperimentConfig fixed = ConfigMutations.valid();
        ExperimentConfig epochs = fixed.withSelfTraining(fixed.selfTraining().withEpochs(2.5));

        String fixedJson = ExperimentJson.toPrettyJson(fixed);
        String epochsJson = ExperimentJson.toPrettyJson(epochs);

        assertEquals(epochs, ExperimentJson.read(bytes(epochsJson)));
        assertTrue(epochsJson.contains("\"budget\" : \"epochs\",\n    \"epochs\" : 2.5"), epochsJson);
        assertTrue(fixedJson.contains("\"budget\" : \"fixed-steps\"\n"), fixedJson);
        assertFalse(fixedJson.contains("\"epochs\""), fixedJson);
    }

    @Test
    void anchorsReadBackAsWrittenAndAConfigWithoutThemWritesNone() throws IOException {
        ExperimentConfig plain = ConfigMutations.valid();
        ExperimentConfig anchored = plain.withSelfTraining(plain.selfTraining().withAnchors(0.1, 0.5));

        String anchoredJson = ExperimentJson.toPrettyJson(anchored);

        assertEquals(anchored, ExperimentJson.read(bytes(anchoredJson)));
        assertTrue(anchoredJson.contains("\"klAnchor\" : 0.1,\n    \"realGradientWeight\" : 0.5"), anchoredJson);
        assertFalse(ExperimentJson.toPrettyJson(plain).contains("Anchor"), "older configs and their digests stay");
    }

    @Test
    void aRetentionPolicyReadsBackAsWrittenAndAConfigWithoutOneWritesNone() throws IOException {
        ExperimentConfig plain = ConfigMutations.valid();
        ExperimentConfig retained = plain.withRetention(new RetentionSettings(3, 2));

        String retainedJson = ExperimentJson.toPrettyJson(retained);

        assertEquals(retained, ExperimentJson.read(bytes(retainedJson)));
        assertTrue(retainedJson.contains("\"retention\" : {\n    \"keepEvery\" : 3,\n    \"keepLast\" : 2\n  }"),
                retainedJson);
        assertFalse(ExperimentJson.toPrettyJson(plain).contains("retention"), "older configs and their digests stay");
    }

    @Test
    void theDescriptionIsReadApartFromTheExperiment() throws IOException {
        ExperimentConfig config = ConfigMutations.valid();
        String described = ExperimentJson.toPrettyJson(config)
                .replaceFirst("\\{", "{\"description\": \"for tests\",");

        ExperimentJson.Described read = ExperimentJson.readDescribed(bytes(described));

        assertEquals(config, read.config());
        assertEquals("for tests", read.description());
        assertEquals(config, ExperimentJson.read(bytes(described)));
    }

    @Test
    void anUnknownFieldIsAnErrorNamingIt() {
        String json = ExperimentJson.toPrettyJson(ConfigMutations.valid())
                .replace("\"seed\"", "\"sead\" : 1, \"seed\"");

        JsonProcessingException thrown = assertThrows(JsonProcessingException.class,
                () -> ExperimentJson.read(bytes(json)));

        assertTrue(thrown.getOriginalMessage().startsWith("sead (line " + lineOf(json, "\"sead\"") + ", column "),
                thrown.getOriginalMessage());
        assertTrue(thrown.getOriginalMessage().contains(": unknown field; the fields here are "),
                thrown.getOriginalMessage());
    }

    @Test
    void aMissingNumberIsAnErrorRatherThanZero() {
        String json = ExperimentJson.toPrettyJson(ConfigMutations.valid())
                .replace("\"layers\" : 2", "\"layers\" : null");

        JsonProcessingException thrown = assertThrows(JsonProcessingException.class,
                () -> ExperimentJson.read(bytes(json)));

        assertEquals("model.layers (line " + lineOf(json, "\"layers\"") + ", column 5): must be a whole number, "
                + "not null", thrown.getOriginalMessage());
    }

    @Test
    void aFractionWhereAnIntegerBelongsIsAnError() {
        String json = ExperimentJson.toPrettyJson(ConfigMutations.valid())
                .replace("\"layers\" : 2", "\"layers\" : 2.5");

        JsonProcessingException thrown = assertThrows(JsonProcessingException.class,
                () -> ExperimentJson.read(bytes(json)));

        assertEquals("model.layers (line " + lineOf(json, "\"layers\"") + ", column 5): must be a whole number, "
                + "not 2.5", thrown.getOriginalMessage());
    }

    @Test
    void aWordWhereANumberBelongsNamesTheFieldAndWhatItMustBe() {
        String json = ExperimentJson.toPrettyJson(ConfigMutations.valid())
                .replace("\"heldoutWindows\" : 100", "\"heldoutWindows\" : \"many\"");

        ExperimentJson.InvalidConfigException thrown = assertThrows(ExperimentJson.InvalidConfigException.class,
                () -> ExperimentJson.read(bytes(json)));

        assertEquals("evaluation.heldoutWindows", thrown.path());
        assertEquals(lineOf(json, "\"heldoutWindows\""), thrown.line());
        assertTrue(thrown.getOriginalMessage().endsWith(": must be a whole number, not many"),
                thrown.getOriginalMessage());
    }

    @Test
    void brokenJsonSaysWhereItBreaks() {
        String json = "{\n  \"seed\" : 1,\n  \"model\" : { \"layers\" 2 }\n}";

        ExperimentJson.InvalidConfigException thrown = assertThrows(ExperimentJson.InvalidConfigException.class,
                () -> ExperimentJson.read(bytes(json)));

        assertEquals(3, thrown.line());
        assertTrue(thrown.getOriginalMessage().startsWith("model.layers (line 3, column 24): Unexpected character"),
                thrown.getOriginalMessage());
    }

    /** The 1-based line of the first occurrence of {@code text}. */
    private static int lineOf(String json, String text) {
        return (int) json.substring(0, json.indexOf(text)).chars().filter(c -> c == '\n').count() + 1;
    }

    /** Config files written before the window estimate existed name none of its fields. */
    @Test
    void anEvaluationWithoutTheHeldoutFieldsReadsAsTheWholeTextEveryGeneration() throws IOException {
        String json = ExperimentJson.toPrettyJson(ConfigMutations.valid())
                .replaceAll(",\\s*\"(heldout|heldoutWindows|wholeTextEvery)\" : [^,}]+", "");

        assertFalse(json.contains("heldout"), json);
        assertEquals(ConfigMutations.valid(), ExperimentJson.read(bytes(json)));
    }

    @Test
    void aFractionOfAWindowCountIsAnError() {
        String json = ExperimentJson.toPrettyJson(ConfigMutations.valid())
                .replace("\"heldoutWindows\" : 100", "\"heldoutWindows\" : 100.5");

        assertThrows(JsonProcessingException.class, () -> ExperimentJson.read(bytes(json)));
    }

    @Test
    void aDescriptionThatIsNotTextIsAnError() {
        String json = ExperimentJson.toPrettyJson(ConfigMutations.valid())
                .replaceFirst("\\{", "{\"description\": 3,");

        assertThrows(JsonProcessingException.class, () -> ExperimentJson.read(bytes(json)));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
