package io.collapselab.experiment;

import java.util.List;

/**
 * How each generation is measured. Held-out loss covers the held-out text in consecutive, non-overlapping
 * windows of the context length, {@code batchSize} windows per forward pass, up to {@code maxHeldoutTokens}
 * tokens (0: the whole text). {@code tailQuantile}: the rarest words of the real text that together make up
 * this share of its words form the tail whose share in generated text is the tail mass.
 */
public record EvaluationSettings(int maxHeldoutTokens, int batchSize, double tailQuantile, int excerptChars) {

    void problems(List<String> problems) {
        if (maxHeldoutTokens < 0) {
            problems.add("evaluation.maxHeldoutTokens must be >= 0 (0: the whole held-out text), was "
                    + maxHeldoutTokens);
        }
        if (batchSize < 1 || batchSize > 65_536) {
            problems.add("evaluation.batchSize must be between 1 and 65536, was " + batchSize);
        }
        if (!(tailQuantile > 0 && tailQuantile < 1)) {
            problems.add("evaluation.tailQuantile must be in (0, 1), was " + tailQuantile);
        }
        if (excerptChars < 0 || excerptChars > 100_000) {
            problems.add("evaluation.excerptChars must be between 0 and 100000, was " + excerptChars);
        }
    }
}
