package io.collapselab.lm.metrics;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Diversity measures over a word sequence; each is 0 for a sequence too short to have what it counts. */
public final class WordStatistics {

    /** Length of the word n-grams whose recurrence the repetition rate measures. */
    public static final int REPETITION_N = 4;

    private WordStatistics() {
    }

    /** Distinct-n: the number of unique word n-grams divided by the number of n-gram positions. */
    public static double distinct(List<String> words, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n-gram length must be at least 1, was " + n);
        }
        int positions = words.size() - n + 1;
        if (positions <= 0) {
            return 0;
        }
        Set<String> unique = new HashSet<>();
        for (int i = 0; i < positions; i++) {
            unique.add(nGram(words, i, n));
        }
        return unique.size() / (double) positions;
    }

    /**
     * The share of {@value #REPETITION_N}-gram positions whose 4-gram already starts at an earlier position
     * (overlaps allowed), that is {@code 1 - distinct(words, 4)}. "a b c d a b c d" has five 4-grams of which
     * the last repeats the first: 0.2.
     */
    public static double repetitionRate(List<String> words) {
        int positions = words.size() - REPETITION_N + 1;
        return positions <= 0 ? 0 : 1 - distinct(words, REPETITION_N);
    }

    /** Shannon entropy, in bits, of the words' unigram distribution. */
    public static double entropyBits(List<String> words) {
        Map<String, Integer> counts = new HashMap<>();
        for (String word : words) {
            counts.merge(word, 1, Integer::sum);
        }
        double entropy = 0;
        for (int count : counts.values()) {
            double p = count / (double) words.size();
            entropy -= p * Math.log(p);
        }
        return entropy / Math.log(2);
    }

    /** Words never contain whitespace, so a space separator keeps distinct n-grams distinct. */
    private static String nGram(List<String> words, int start, int n) {
        return String.join(" ", words.subList(start, start + n));
    }
}
