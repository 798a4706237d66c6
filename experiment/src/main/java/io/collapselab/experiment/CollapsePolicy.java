package io.collapselab.experiment;

import java.util.List;

/**
 * When a generation counts as collapsed: its distinct-2 falls below {@code distinct2Below} (0 disables), or its
 * sample ends in a repeating cycle of at most {@code maxCycleLength} tokens (0 disables). With
 * {@code stopOnCollapse} the run ends at the first collapsed generation.
 */
public record CollapsePolicy(double distinct2Below, int maxCycleLength, boolean stopOnCollapse) {

    void problems(List<String> problems) {
        if (!(distinct2Below >= 0 && distinct2Below <= 1)) {
            problems.add("collapse.distinct2Below must be in [0, 1], was " + distinct2Below);
        }
        if (maxCycleLength < 0) {
            problems.add("collapse.maxCycleLength must be >= 0 (0 disables it), was " + maxCycleLength);
        }
    }

    public boolean isCollapsed(double distinct2, int cycleLength) {
        boolean lowDiversity = distinct2Below > 0 && distinct2 < distinct2Below;
        boolean cycling = maxCycleLength > 0 && cycleLength > 0 && cycleLength <= maxCycleLength;
        return lowDiversity || cycling;
    }
}
