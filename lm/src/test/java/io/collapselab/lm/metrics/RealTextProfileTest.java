package io.collapselab.lm.metrics;

import io.collapselab.lm.RealText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RealTextProfileTest {

    private static final double EPSILON = 1e-12;

    /** Seven words: "the" 4 times, "cat" twice, "dog" once. */
    private static final byte[] REAL = "the cat the dog\nthe cat the".getBytes(StandardCharsets.UTF_8);

    @Test
    void tailIsTheRarestWordsWithinTheQuantileOfOccurrences() {
        // Budget 0.5 * 7 = 3.5 occurrences: dog (1) and cat (1 + 2 = 3) fit, the (3 + 4 = 7) does not.
        RealTextProfile profile = RealTextProfile.of(REAL, 0.5);
        assertTrue(profile.isTail("dog"));
        assertTrue(profile.isTail("cat"));
        assertFalse(profile.isTail("the"));
        // "bird" never occurs in the real text, so it is tail as well: cat and bird out of four words.
        assertEquals(0.5, profile.tailMass(List.of("the", "cat", "bird", "the")), EPSILON);
    }

    @Test
    void smallerQuantileKeepsOnlyTheRarestWords() {
        // Budget 0.2 * 7 = 1.4 occurrences: only dog fits.
        RealTextProfile profile = RealTextProfile.of(REAL, 0.2);
        assertFalse(profile.isTail("cat"));
        assertEquals(0.25, profile.tailMass(List.of("the", "cat", "bird", "the")), EPSILON);
        assertEquals(0, profile.tailMass(List.of()), EPSILON);
    }

    @Test
    void equallyRareWordsEnterTheTailInWordOrder() {
        // a, b once each, c twice; budget 0.25 * 4 = 1 occurrence: a comes before b, so only a is tail.
        RealTextProfile profile = RealTextProfile.of("b a c c".getBytes(StandardCharsets.UTF_8), 0.25);
        assertTrue(profile.isTail("a"));
        assertFalse(profile.isTail("b"));
    }

    @Test
    void invalidQuantileOrWordlessTextIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> RealTextProfile.of(REAL, 0));
        assertThrows(IllegalArgumentException.class, () -> RealTextProfile.of(REAL, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RealTextProfile.of(" \n ".getBytes(StandardCharsets.UTF_8), 0.1));
        assertTrue(e.getMessage().contains("has no words"), e.getMessage());
    }

    @Test
    void realTextHasAboutTheQuantileAsTailMassOfItself() {
        byte[] real = RealText.train(Integer.MAX_VALUE);
        double quantile = 0.2;
        double selfTailMass = RealTextProfile.of(real, quantile).tailMass(Words.of(real));
        // At most the quantile by construction, and close to it because no single rare word is large.
        assertTrue(selfTailMass <= quantile && selfTailMass > quantile - 0.01, "tail mass " + selfTailMass);
    }
}
