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
        // "bird" never occurs in the real text: it is unseen, not tail. Of four words, cat is tail, bird unseen.
        assertFalse(profile.isTail("bird"));
        assertTrue(profile.isUnseen("bird"));
        assertFalse(profile.isUnseen("dog"));
        assertEquals(0.25, profile.tailMass(List.of("the", "cat", "bird", "the")), EPSILON);
        assertEquals(0.25, profile.unseenShare(List.of("the", "cat", "bird", "the")), EPSILON);
    }

    @Test
    void smallerQuantileKeepsOnlyTheRarestWords() {
        // Budget 0.2 * 7 = 1.4 occurrences: only dog fits.
        RealTextProfile profile = RealTextProfile.of(REAL, 0.2);
        assertTrue(profile.isTail("dog"));
        assertFalse(profile.isTail("cat"));
        assertEquals(0, profile.tailMass(List.of("the", "cat", "bird", "the")), EPSILON);
        assertEquals(0.5, profile.tailMass(List.of("dog", "the")), EPSILON);
        assertEquals(0, profile.tailMass(List.of()), EPSILON);
        assertEquals(0, profile.unseenShare(List.of()), EPSILON);
    }

    @Test
    void equallyRareWordsAreInTheTailOrOutOfItTogether() {
        // a, b once each, c twice, d four times (8 words).
        byte[] real = "b a c c d d d d".getBytes(StandardCharsets.UTF_8);
        // Budget 0.25 * 8 = 2 occurrences: the class of a and b (2) fits whole, c's (2 more) does not.
        RealTextProfile twoOccurrences = RealTextProfile.of(real, 0.25);
        assertTrue(twoOccurrences.isTail("a"));
        assertTrue(twoOccurrences.isTail("b"));
        assertFalse(twoOccurrences.isTail("c"));
        // Budget 0.125 * 8 = 1 occurrence: half of the class of a and b would fit, so neither is tail.
        RealTextProfile oneOccurrence = RealTextProfile.of(real, 0.125);
        assertFalse(oneOccurrence.isTail("a"));
        assertFalse(oneOccurrence.isTail("b"));
        assertEquals(0, oneOccurrence.tailMass(List.of("a", "b", "c", "d")), EPSILON);
        // Budget 0.5 * 8 = 4 occurrences: both rarest classes fit exactly.
        RealTextProfile fourOccurrences = RealTextProfile.of(real, 0.5);
        assertEquals(0.75, fourOccurrences.tailMass(List.of("a", "b", "c", "d")), EPSILON);
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
        RealTextProfile profile = RealTextProfile.of(real, quantile);
        double selfTailMass = profile.tailMass(Words.of(real));
        assertEquals(0, profile.unseenShare(Words.of(real)), EPSILON);
        // At most the quantile by construction, and close to it because no frequency class near the cut is large.
        assertTrue(selfTailMass <= quantile && selfTailMass > quantile - 0.01, "tail mass " + selfTailMass);
    }
}
