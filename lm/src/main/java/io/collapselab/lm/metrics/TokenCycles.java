package io.collapselab.lm.metrics;

/**
 * Detects the collapse signature of Herel &amp; Mikolov: a sample that ends in a short loop of tokens repeated
 * over and over (a five-token loop repeated some 200 times).
 */
public final class TokenCycles {

    /**
     * The fewest tokens a trailing cycle must cover, so that a short period repeated only a few times (a doubled
     * word, "1 1 1") does not count as a loop.
     */
    public static final int MIN_CYCLE_SPAN = 24;

    private TokenCycles() {
    }

    /**
     * The smallest period {@code p >= 1} such that the last {@code span = max(3p, MIN_CYCLE_SPAN)} tokens are
     * p-periodic, that is {@code tokens[i] == tokens[i - p]} for every i in the span whose i - p is in it too; 0
     * when no period qualifies, which includes every sequence shorter than {@link #MIN_CYCLE_SPAN}. A cycle must
     * thus repeat at least three times and cover at least MIN_CYCLE_SPAN tokens.
     */
    public static int shortestTrailingCycle(int[] tokens) {
        int[] matches = trailingMatchLengths(tokens);
        for (int p = 1; Math.max(3 * p, MIN_CYCLE_SPAN) <= tokens.length; p++) {
            int span = Math.max(3 * p, MIN_CYCLE_SPAN);
            if (matches[p] >= span - p) {
                return p;
            }
        }
        return 0;
    }

    /**
     * For each shift p, how many positions i, counted back from the last, satisfy {@code tokens[i] == tokens[i - p]}
     * without a break. This is the Z-array of the reversed sequence, computed in linear time so that long periodic
     * samples (the very case being detected) cost no more than random ones.
     */
    private static int[] trailingMatchLengths(int[] tokens) {
        int n = tokens.length;
        int[] reversed = new int[n];
        for (int i = 0; i < n; i++) {
            reversed[i] = tokens[n - 1 - i];
        }
        int[] z = new int[n];
        int windowStart = 0;
        int windowEnd = 0; // reversed[windowStart, windowEnd) matches the prefix of reversed
        for (int i = 1; i < n; i++) {
            if (i < windowEnd) {
                z[i] = Math.min(windowEnd - i, z[i - windowStart]);
            }
            while (i + z[i] < n && reversed[z[i]] == reversed[i + z[i]]) {
                z[i]++;
            }
            if (i + z[i] > windowEnd) {
                windowStart = i;
                windowEnd = i + z[i];
            }
        }
        return z;
    }
}
