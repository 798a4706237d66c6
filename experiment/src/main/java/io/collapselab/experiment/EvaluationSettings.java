package io.collapselab.experiment;

import java.util.List;

/**
 * How each generation is measured.
 *
 * <p>The held-out text is the real held-out text's first {@code maxHeldoutTokens} tokens (0: all of it). Two
 * figures can be computed on it, {@code batchSize} windows per forward pass:
 * <ul>
 *   <li>the whole-text figure: the mean loss over the whole held-out text, cut into consecutive, non-overlapping
 *       windows of the context length; no randomness;</li>
 *   <li>the window estimate, the paper's own (nanoGPT's {@code estimate_loss}): the mean loss over
 *       {@code heldoutWindows} windows of the context length at random places, drawn from a seed derived from the
 *       run seed and the generation; cheap enough for every generation of a long run.</li>
 * </ul>
 * {@code heldout} says which is a generation's held-out figure: {@value #WHOLE_TEXT} (the whole-text figure, every
 * generation) or {@value #WINDOWS} (the window estimate every generation, and the whole-text figure as well every
 * {@code wholeTextEvery} generations, at generation 0 and at the last). A config without these fields is
 * {@value #WHOLE_TEXT}, what every run did before they existed; {@code heldoutWindows} then defaults to
 * {@value #DEFAULT_WINDOWS} and {@code wholeTextEvery} to 1.
 *
 * <p>{@code tailQuantile}: the real text's rarest frequency classes (all words seen equally often) that together
 * make up at most this share of its words form the tail whose share in generated text is the tail mass.
 */
public record EvaluationSettings(
        int maxHeldoutTokens,
        int batchSize,
        double tailQuantile,
        int excerptChars,
        String heldout,
        Integer heldoutWindows,
        Integer wholeTextEvery) {

    public static final String WHOLE_TEXT = "whole";
    public static final String WINDOWS = "windows";
    /** As many windows as the paper's evaluation averages over. */
    public static final int DEFAULT_WINDOWS = 100;
    private static final int MAX_WINDOWS = 1_000_000;

    public EvaluationSettings {
        if (heldout == null) {
            heldout = WHOLE_TEXT;
        }
        if (heldoutWindows == null) {
            heldoutWindows = DEFAULT_WINDOWS;
        }
        if (wholeTextEvery == null) {
            wholeTextEvery = 1;
        }
    }

    /** Whether every generation's held-out figure is the window estimate. */
    public boolean usesWindows() {
        return WINDOWS.equals(heldout);
    }

    /**
     * Whether generation {@code generation} of a run whose last generation is {@code lastGeneration} gets the
     * whole-text figure: every generation under {@value #WHOLE_TEXT}; under {@value #WINDOWS} every
     * {@code wholeTextEvery}-th generation, generation 0 and the last.
     */
    public boolean wholeTextAt(int generation, int lastGeneration) {
        return !usesWindows() || generation % wholeTextEvery == 0 || generation == lastGeneration;
    }

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
        if (!WHOLE_TEXT.equals(heldout) && !WINDOWS.equals(heldout)) {
            problems.add("evaluation.heldout must be 'whole' (the whole held-out text) or 'windows' (random windows,"
                    + " as the paper estimates), was '" + heldout + "'");
        }
        if (heldoutWindows < 1 || heldoutWindows > MAX_WINDOWS) {
            problems.add("evaluation.heldoutWindows must be between 1 and " + MAX_WINDOWS + ", was "
                    + heldoutWindows);
        }
        if (wholeTextEvery < 1 || wholeTextEvery > 10_000) {
            problems.add("evaluation.wholeTextEvery must be between 1 and 10000 generations, was " + wholeTextEvery);
        } else if (wholeTextEvery != 1 && WHOLE_TEXT.equals(heldout)) {
            problems.add("evaluation.wholeTextEvery must be 1 when evaluation.heldout is 'whole' (the whole text is"
                    + " then every generation's figure), was " + wholeTextEvery + "; set evaluation.heldout to"
                    + " 'windows' to measure the whole text less often");
        }
    }
}
