package io.collapselab.lm.metrics;

import java.util.List;

/**
 * How diverse a generated text is and how much of the real text's tail it keeps; see {@link WordStatistics} and
 * {@link RealTextProfile} for the exact definitions. Falling distinct-n and tail mass and a rising repetition
 * rate across generations are what model collapse looks like in text; a rising unseen-word share is text drifting
 * away from the real language's words altogether.
 */
public record TextMetrics(
        double distinct1, double distinct2, double distinct3, double repetition, double entropy, double tailMass,
        double unseenWordShare) {

    public static TextMetrics of(byte[] text, RealTextProfile profile) {
        List<String> words = Words.of(text);
        return new TextMetrics(
                WordStatistics.distinct(words, 1),
                WordStatistics.distinct(words, 2),
                WordStatistics.distinct(words, 3),
                WordStatistics.repetitionRate(words),
                WordStatistics.entropyBits(words),
                profile.tailMass(words),
                profile.unseenShare(words));
    }
}
