package io.collapselab.evaluator;

/**
 * The corpus half of a generation's evaluation: the text metrics of its corpus, the length of the cycle its
 * sampled ids end in (0: none) and its excerpt. Kept beside the corpus until the held-out half is known.
 */
record CorpusResult(String checkpointSha256, String corpusSha256, double distinct1, double distinct2,
                    double distinct3, double repetition, double entropy, double tailMass, Double unseenWordShare,
                    int cycleLength, String excerpt) {
}
