package io.collapselab.lm.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.experiment.CurationCounts;
import io.collapselab.experiment.CurationSettings;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules of curation on samples whose perplexities are given: which samples each keeps and counts. */
class CorpusCurationTest {

    private static final int[][] EIGHT = {{1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 10}, {11, 12}, {13, 14}, {15, 16}};

    @Test
    void theBandKeepsExactlyTheSamplesInsideItBothEndsIncluded() {
        double[] perplexities = {1.5, 2.0, 3.0, 7.9, 8.0, 8.01, 40.0, 1.99};
        CurationSettings band = new CurationSettings(2.0, 8.0, null, null);

        CorpusCuration.Selection selection = CorpusCuration.select(band, EIGHT, perplexities, 8);

        assertArrayEquals(new int[] {1, 2, 3, 4}, selection.kept());
        assertEquals(new CurationCounts(8, 4, 0, 0, 4), selection.counts());
    }

    @Test
    void anOpenEndedBandLimitsOneSideOnly() {
        double[] perplexities = {1.2, 5.0, 500.0, 1.0};

        CorpusCuration.Selection aboveLoops = CorpusCuration.select(new CurationSettings(1.5, null, null, null),
                slice(4), perplexities, 4);
        CorpusCuration.Selection belowGibberish = CorpusCuration.select(new CurationSettings(null, 100.0, null, null),
                slice(4), perplexities, 4);

        assertArrayEquals(new int[] {1, 2}, aboveLoops.kept());
        assertArrayEquals(new int[] {0, 1, 3}, belowGibberish.kept());
    }

    @Test
    void aPassEverythingFilterKeepsEverySampleInOrder() {
        double[] perplexities = {3.0, 1.0, 9.0, 4.0, 2.0, 5.0, 7.0, 6.0};

        CorpusCuration.Selection selection = CorpusCuration.select(new CurationSettings(1.0, 1e9, null, 1), EIGHT,
                perplexities, 8);

        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, selection.kept());
        assertEquals(new CurationCounts(8, 0, 0, 0, 8), selection.counts());
    }

    @Test
    void oversamplingKeepsTheSamplesNearestTheBandsCentreInLogPerplexityTiesBySampledOrder() {
        // Band [2, 8]: centre ln 4, each sample's distance |ln(p / 4)|.
        double[] perplexities = {8.0, 4.0, 2.0, 3.0, 16.0 / 3.0, 50.0, 4.5, 1.0};
        CurationSettings settings = new CurationSettings(2.0, 8.0, null, 2);

        CorpusCuration.Selection selection = CorpusCuration.select(settings, EIGHT, perplexities, 4);

        // In the band: 0, 1, 2, 3, 4, 6; ranked 1 (4), 6 (4.5), then 3 (3) and 4 (16/3) at ln(4/3), 0 and 2 at ln 2.
        assertArrayEquals(new int[] {1, 3, 4, 6}, selection.kept());
        assertEquals(new CurationCounts(8, 2, 0, 2, 4), selection.counts());
    }

    @Test
    void equallyGoodSamplesAreKeptInSampledOrder() {
        double[] perplexities = {6.0, 6.0, 6.0};

        CorpusCuration.Selection selection = CorpusCuration.select(new CurationSettings(2.0, 8.0, null, 3),
                slice(3), perplexities, 2);

        assertArrayEquals(new int[] {0, 1}, selection.kept());
        assertEquals(new CurationCounts(3, 0, 0, 1, 2), selection.counts());
    }

    @Test
    void fewerSamplesThanTheCorpusHoldsAreAllKept() {
        double[] perplexities = {9.0, 4.0, 9.0, 9.0};

        CorpusCuration.Selection selection = CorpusCuration.select(new CurationSettings(2.0, 8.0, null, 2),
                slice(4), perplexities, 2);

        assertArrayEquals(new int[] {1}, selection.kept());
        assertEquals(new CurationCounts(4, 3, 0, 0, 1), selection.counts());
    }

    @Test
    void aSampleRepeatingASpanWithinItselfIsDropped() {
        int[][] samples = {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 7, 8, 9}, {10, 11, 12, 13, 11, 12}};

        CorpusCuration.Selection selection = CorpusCuration.select(new CurationSettings(null, null, 3, null),
                samples, null, 3);

        // Sample 1 repeats 7 8 9; sample 2 repeats only the 2-token span 11 12, shorter than n.
        assertArrayEquals(new int[] {0, 2}, selection.kept());
        assertEquals(new CurationCounts(3, 0, 1, 0, 2), selection.counts());
    }

    @Test
    void aSampleRepeatingASpanOfAKeptSampleIsDroppedAndTheFirstOneKept() {
        int[][] samples = {{1, 2, 3, 4}, {9, 2, 3, 4}, {9, 2, 3, 5}, {0, 0, 1, 2}};

        CorpusCuration.Selection selection = CorpusCuration.select(new CurationSettings(null, null, 3, null),
                samples, null, 4);

        // 1 repeats 2 3 4 of sample 0; 2 shares 9 2 3 only with the dropped sample 1, so it stays; 3 has 0 0 1, 0 1 2.
        assertArrayEquals(new int[] {0, 2, 3}, selection.kept());
        assertEquals(new CurationCounts(4, 0, 1, 0, 3), selection.counts());
    }

    @Test
    void deduplicationWalksTheSamplesBestFirstSoTheBetterOfTwoDuplicatesStays() {
        int[][] samples = {{1, 2, 3}, {1, 2, 3}};
        double[] perplexities = {7.0, 4.0};

        CorpusCuration.Selection selection = CorpusCuration.select(new CurationSettings(2.0, 8.0, 2, 2), samples,
                perplexities, 1);

        assertArrayEquals(new int[] {1}, selection.kept());
        assertEquals(new CurationCounts(2, 0, 1, 0, 1), selection.counts());
    }

    @Test
    void overlappingRepeatsOfALoopCountAndShortSamplesRepeatNothing() {
        Set<IntBuffer> kept = new HashSet<>();

        assertTrue(CorpusCuration.repeatsSpan(new int[] {5, 5, 5}, 2, kept), "5 5 at 0 and at 1");
        assertFalse(CorpusCuration.repeatsSpan(new int[] {5}, 2, kept));
        assertTrue(kept.isEmpty(), "a dropped sample adds no span");
        assertFalse(CorpusCuration.repeatsSpan(new int[] {5, 6, 5}, 2, kept));
        assertEquals(2, kept.size());
    }

    @Test
    void aBandWithoutPerplexitiesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CorpusCuration.select(
                new CurationSettings(2.0, null, null, null), EIGHT, null, 8));
    }

    private static int[][] slice(int n) {
        return Arrays.copyOf(EIGHT, n);
    }
}
