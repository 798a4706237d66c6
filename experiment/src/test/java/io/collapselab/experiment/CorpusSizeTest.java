package io.collapselab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CorpusSizeTest {

    @Test
    void readsANumberOfTokensTheRealSizeAndMultiplesOfIt() {
        assertEquals(CorpusSize.ofTokens(4096), CorpusSize.parse("4096"));
        assertEquals(CorpusSize.ofRealSize(1), CorpusSize.parse("real-size"));
        assertEquals(CorpusSize.ofRealSize(2), CorpusSize.parse("2x real-size"));
        assertEquals(CorpusSize.ofRealSize(0.5), CorpusSize.parse("0.5x real-size"));
        assertEquals(CorpusSize.ofRealSize(0.25), CorpusSize.parse(" .25X Real-Size "));
        assertEquals(CorpusSize.ofRealSize(3), CorpusSize.parse("3xreal-size"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "", "-1", "2x", "x real-size", "2 real-size", "2x real", "1e3", "2.x real-size"})
    void aFormThatIsNoneOfThemNamesTheFieldAndTheForms(String form) {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> CorpusSize.parse(form));

        assertEquals("sampling.tokensPerGeneration must be a number of tokens, 'real-size' or a multiple of it such "
                + "as '2x real-size' or '0.5x real-size', was '" + form + "'", thrown.getMessage());
    }

    @Test
    void aNumberTooLongForTokensIsOutOfRange() {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> CorpusSize.parse("99999999999999999999"));

        assertEquals("sampling.tokensPerGeneration must be between 1 and 1000000000, was 99999999999999999999",
                thrown.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"4096", "real-size", "2x real-size", "0.5x real-size", "0.00001x real-size",
            "1000x real-size"})
    void theWrittenFormReadsBackAsTheSameSize(String form) {
        CorpusSize size = CorpusSize.parse(form);

        assertEquals(form, size.toString());
        assertEquals(size, CorpusSize.parse(size.toString()));
    }

    @Test
    void resolvesAgainstTheRealTextOnlyWhenRelative() {
        assertFalse(CorpusSize.ofTokens(64).isRelative());
        assertEquals(64, CorpusSize.ofTokens(64).resolve(1_000_000));
        assertTrue(CorpusSize.ofRealSize(1).isRelative());
        assertEquals(1_000_000, CorpusSize.ofRealSize(1).resolve(1_000_000));
        assertEquals(3_000_000, CorpusSize.ofRealSize(3).resolve(1_000_000));
        assertEquals(333_333, CorpusSize.ofRealSize(1.0 / 3).resolve(1_000_000));
    }

    @Test
    void isANumberOfTokensOrAMultipleNeverBothOrNeither() {
        assertThrows(IllegalArgumentException.class, () -> new CorpusSize(64L, 2.0));
        assertThrows(IllegalArgumentException.class, () -> new CorpusSize(null, null));
    }

    @Test
    void aNumberOfTokensStaysANumberInJsonAndARelativeSizeIsText() throws IOException {
        ExperimentConfig config = ConfigMutations.valid();
        ExperimentConfig relative = config.withSampling(
                config.sampling().withTokensPerGeneration(CorpusSize.parse("2x real-size")));

        String numberJson = ExperimentJson.toPrettyJson(config);
        String relativeJson = ExperimentJson.toPrettyJson(relative);

        assertTrue(numberJson.contains("\"tokensPerGeneration\" : 20000,"), numberJson);
        assertTrue(relativeJson.contains("\"tokensPerGeneration\" : \"2x real-size\","), relativeJson);
        assertEquals(config, ExperimentJson.read(bytes(numberJson)));
        assertEquals(relative, ExperimentJson.read(bytes(relativeJson)));
    }

    @Test
    void aConfigFileWithABadSizeIsAnErrorNamingTheFieldAndTheForms() {
        String json = ExperimentJson.toPrettyJson(ConfigMutations.valid())
                .replace("\"tokensPerGeneration\" : 20000", "\"tokensPerGeneration\" : \"twice the real text\"");

        JsonProcessingException thrown = assertThrows(JsonProcessingException.class,
                () -> ExperimentJson.read(bytes(json)));

        assertTrue(thrown.getOriginalMessage().contains("sampling.tokensPerGeneration must be a number of tokens, "
                + "'real-size' or a multiple of it"), thrown.getOriginalMessage());
    }

    @Test
    void aFractionOfATokenIsAnError() {
        String json = ExperimentJson.toPrettyJson(ConfigMutations.valid())
                .replace("\"tokensPerGeneration\" : 20000", "\"tokensPerGeneration\" : 2048.5");

        JsonProcessingException thrown = assertThrows(JsonProcessingException.class,
                () -> ExperimentJson.read(bytes(json)));

        assertTrue(thrown.getOriginalMessage().contains("sampling.tokensPerGeneration must be"),
                thrown.getOriginalMessage());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
