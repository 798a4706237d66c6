package io.collapselab.lm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordsTest {

    @Test
    void splitsOnAnyRunOfWhitespace() {
        assertEquals(List.of("a", "b,", "c"), Words.of("  a\tb,\n\n c  ".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void emptyAndBlankTextsHaveNoWords() {
        assertEquals(List.of(), Words.of(new byte[0]));
        assertEquals(List.of(), Words.of(" \n\t ".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void malformedUtf8BecomesTheReplacementCharacter() {
        byte[] text = {'o', 'k', ' ', (byte) 0xff, 'x'};
        assertEquals(List.of("ok", "\ufffdx"), Words.of(text));
    }
}
