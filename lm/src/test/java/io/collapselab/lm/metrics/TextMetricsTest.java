package io.collapselab.lm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextMetricsTest {

    private static final double EPSILON = 1e-12;

    @Test
    void combinesEveryMetricOfTheGeneratedText() {
        RealTextProfile profile = RealTextProfile.of("a a a a b b c".getBytes(StandardCharsets.UTF_8), 0.2);
        TextMetrics metrics = TextMetrics.of("a b c d a b c d".getBytes(StandardCharsets.UTF_8), profile);

        assertEquals(4 / 8.0, metrics.distinct1(), EPSILON);
        assertEquals(4 / 7.0, metrics.distinct2(), EPSILON); // ab bc cd da ab bc cd
        assertEquals(4 / 6.0, metrics.distinct3(), EPSILON);
        assertEquals(1 / 5.0, metrics.repetition(), EPSILON);
        assertEquals(2.0, metrics.entropy(), EPSILON); // four words, equally frequent
        // Budget 0.2 * 7 = 1.4 occurrences: tail is c, 2 of 8 words; d is unseen, 2 of 8 words.
        assertEquals(0.25, metrics.tailMass(), EPSILON);
        assertEquals(0.25, metrics.unseenWordShare(), EPSILON);
    }
}
