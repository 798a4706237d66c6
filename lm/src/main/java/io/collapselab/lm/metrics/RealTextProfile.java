package io.collapselab.lm.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which words are rare in the real training text, so that generated text can be scored by how much of it
 * falls in that tail: a model losing the tail of the distribution is an early sign of collapse. Built once per
 * run and reused for every generation.
 *
 * <p>The real text's words fall into frequency classes: all words seen exactly c times. The tail is the longest
 * run of classes from the rarest (c = 1, 2, ...) whose occurrences add up to at most {@code tailQuantile} of all
 * word occurrences, so that the words of one class are in it or out of it together (a cut inside a class would
 * depend on how its words happen to sort). Words that never occur in the real text are not in the tail: a model
 * writing garbage is not keeping the tail, so they are counted apart, as the unseen-word share.
 */
public final class RealTextProfile {

    private final Map<String, Integer> counts;
    private final int rarestHeadCount;

    private RealTextProfile(Map<String, Integer> counts, int rarestHeadCount) {
        this.counts = counts;
        this.rarestHeadCount = rarestHeadCount;
    }

    /**
     * @throws IllegalArgumentException when {@code tailQuantile} is outside (0, 1) or the text has no words
     */
    public static RealTextProfile of(byte[] realText, double tailQuantile) {
        if (!(tailQuantile > 0 && tailQuantile < 1)) {
            throw new IllegalArgumentException("tail quantile must be in (0, 1), was " + tailQuantile);
        }
        List<String> words = Words.of(realText);
        if (words.isEmpty()) {
            throw new IllegalArgumentException("real text (" + realText.length + " bytes) has no words to build a "
                    + "tail profile from; pass a non-empty training text");
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String word : words) {
            counts.merge(word, 1, Integer::sum);
        }
        TreeMap<Integer, Long> occurrencesByCount = new TreeMap<>();
        counts.values().forEach(count -> occurrencesByCount.merge(count, (long) count, Long::sum));
        double budget = tailQuantile * words.size();
        long tailOccurrences = 0;
        int rarestHeadCount = Integer.MAX_VALUE;
        for (Map.Entry<Integer, Long> frequencyClass : occurrencesByCount.entrySet()) {
            if (tailOccurrences + frequencyClass.getValue() > budget) {
                rarestHeadCount = frequencyClass.getKey();
                break;
            }
            tailOccurrences += frequencyClass.getValue();
        }
        return new RealTextProfile(counts, rarestHeadCount);
    }

    /** Whether {@code word} occurs in the real text, and in one of its rarest frequency classes. */
    public boolean isTail(String word) {
        Integer count = counts.get(word);
        return count != null && count < rarestHeadCount;
    }

    /** Whether {@code word} never occurs in the real text. */
    public boolean isUnseen(String word) {
        return !counts.containsKey(word);
    }

    /** The share of {@code words} that are tail words; 0 when there are none. */
    public double tailMass(List<String> words) {
        return share(words, words.stream().filter(this::isTail).count());
    }

    /** The share of {@code words} that never occur in the real text; 0 when there are none. */
    public double unseenShare(List<String> words) {
        return share(words, words.stream().filter(this::isUnseen).count());
    }

    private static double share(List<String> words, long matching) {
        return words.isEmpty() ? 0 : matching / (double) words.size();
    }
}
