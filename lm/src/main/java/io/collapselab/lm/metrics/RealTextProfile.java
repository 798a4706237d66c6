package io.collapselab.lm.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which words are rare in the real training text, so that generated text can be scored by how much of it
 * falls in that tail: a model losing the tail of the distribution is an early sign of collapse. Built once per
 * run and reused for every generation.
 *
 * <p>The real text's distinct words are ordered by frequency ascending, ties by the word ({@link String#compareTo}).
 * The tail is the longest prefix of that order whose occurrences add up to at most {@code tailQuantile} of all
 * word occurrences. Words that never occur in the real text are tail words too.
 */
public final class RealTextProfile {

    private final Set<String> headWords;

    private RealTextProfile(Set<String> headWords) {
        this.headWords = headWords;
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
        List<Map.Entry<String, Integer>> rarestFirst = new ArrayList<>(counts.entrySet());
        rarestFirst.sort(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
        double budget = tailQuantile * words.size();
        long tailOccurrences = 0;
        int firstHead = 0;
        while (firstHead < rarestFirst.size() && tailOccurrences + rarestFirst.get(firstHead).getValue() <= budget) {
            tailOccurrences += rarestFirst.get(firstHead).getValue();
            firstHead++;
        }
        Set<String> headWords = new HashSet<>();
        for (Map.Entry<String, Integer> entry : rarestFirst.subList(firstHead, rarestFirst.size())) {
            headWords.add(entry.getKey());
        }
        return new RealTextProfile(headWords);
    }

    public boolean isTail(String word) {
        return !headWords.contains(word);
    }

    /** The share of {@code words} that are tail words; 0 when there are none. */
    public double tailMass(List<String> words) {
        if (words.isEmpty()) {
            return 0;
        }
        long tail = words.stream().filter(this::isTail).count();
        return tail / (double) words.size();
    }
}
