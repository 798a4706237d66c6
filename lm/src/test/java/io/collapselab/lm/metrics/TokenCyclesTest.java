package io.collapselab.lm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TokenCyclesTest {

    /** Tokens from 1000 up, so they never equal the small ids the cycles below are built from. */
    private static IntStream randomPrefix(int length) {
        return new SplittableRandom(3).ints(length, 1000, 2000);
    }

    private static IntStream repeated(int times, int... pattern) {
        return IntStream.range(0, times * pattern.length).map(i -> pattern[i % pattern.length]);
    }

    private static int cycleOf(IntStream... parts) {
        return TokenCycles.shortestTrailingCycle(Arrays.stream(parts).flatMapToInt(part -> part).toArray());
    }

    @Test
    void fiveTokenLoopAtTheEndHasPeriodFive() {
        assertEquals(5, cycleOf(randomPrefix(100), repeated(10, 1, 2, 3, 4, 5)));
    }

    @Test
    void sequenceWithoutRepetitionHasNoCycle() {
        assertEquals(0, cycleOf(IntStream.range(0, 100)));
        assertEquals(0, cycleOf(randomPrefix(500)));
    }

    @Test
    void constantRunHasPeriodOne() {
        assertEquals(1, cycleOf(randomPrefix(10), repeated(30, 7)));
    }

    @Test
    void theShortestPeriodIsReportedNotAMultiple() {
        assertEquals(2, cycleOf(repeated(20, 1, 2)));
    }

    @Test
    void shortPeriodsMustCoverTheMinimumSpan() {
        assertEquals(0, cycleOf(repeated(TokenCycles.MIN_CYCLE_SPAN - 1, 7)));
        assertEquals(1, cycleOf(repeated(TokenCycles.MIN_CYCLE_SPAN, 7)));
        assertEquals(0, cycleOf(randomPrefix(50), repeated(11, 1, 2), IntStream.of(1)));
        assertEquals(2, cycleOf(randomPrefix(50), repeated(12, 1, 2)));
        assertEquals(0, cycleOf(IntStream.empty()));
    }

    @Test
    void longPeriodsMustRepeatThreeTimes() {
        int[] pattern = IntStream.range(0, 10).toArray();
        assertEquals(10, cycleOf(randomPrefix(50), repeated(3, pattern)));
        // Two full repeats plus nine tokens cover 29 < 3 * 10 tokens.
        assertEquals(0, cycleOf(randomPrefix(50), repeated(2, pattern), IntStream.range(0, 9)));
    }

    @Test
    void cycleMustReachTheEnd() {
        assertEquals(0, cycleOf(repeated(50, 1, 2, 3, 4, 5), randomPrefix(1)));
    }
}
