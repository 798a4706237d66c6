package io.collapselab.lm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordStatisticsTest {

    private static final double EPSILON = 1e-12;

    private static List<String> words(String text) {
        return List.of(text.split(" "));
    }

    @Test
    void distinctCountsUniqueNGramsOverAllNGramPositions() {
        List<String> words = words("a b a b");
        assertEquals(2 / 4.0, WordStatistics.distinct(words, 1), EPSILON); // a, b
        assertEquals(2 / 3.0, WordStatistics.distinct(words, 2), EPSILON); // ab, ba, ab
        assertEquals(2 / 2.0, WordStatistics.distinct(words, 3), EPSILON); // aba, bab
    }

    @Test
    void distinctIsZeroWhenTheTextIsShorterThanN() {
        assertEquals(0, WordStatistics.distinct(List.of(), 1));
        assertEquals(0, WordStatistics.distinct(List.of("a"), 2));
        assertThrows(IllegalArgumentException.class, () -> WordStatistics.distinct(List.of("a"), 0));
    }

    @Test
    void repetitionRateIsTheShareOfFourGramsSeenBefore() {
        // 4-grams: abcd, bcda, cdab, dabc, abcd; only the last occurred earlier.
        assertEquals(1 / 5.0, WordStatistics.repetitionRate(words("a b c d a b c d")), EPSILON);
        // 4-grams: xxxx three times; the second and third repeat the first.
        assertEquals(2 / 3.0, WordStatistics.repetitionRate(words("x x x x x x")), EPSILON);
        assertEquals(0, WordStatistics.repetitionRate(words("a b c d e f")), EPSILON);
        assertEquals(0, WordStatistics.repetitionRate(words("a a a")));
    }

    @Test
    void entropyIsShannonEntropyOfTheWordDistributionInBits() {
        assertEquals(1.0, WordStatistics.entropyBits(words("a b a b")), EPSILON);
        assertEquals(1.5, WordStatistics.entropyBits(words("a a b c")), EPSILON); // p = 1/2, 1/4, 1/4
        assertEquals(0, WordStatistics.entropyBits(words("a a a")), EPSILON);
        assertEquals(0, WordStatistics.entropyBits(List.of()), EPSILON);
    }
}
