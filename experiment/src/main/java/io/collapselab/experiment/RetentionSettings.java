package io.collapselab.experiment;

import java.util.List;

/**
 * Which generations' checkpoints a run keeps once nothing needs them any more: every {@code keepEvery}-th
 * generation (0, K, 2K, ...) and the {@code keepLast} newest. The others are removed by the trainer as the run
 * proceeds; their events stay in the log, and {@code collapse audit --recompute} recomputes any of them from the
 * nearest kept ancestor. Corpora, token ids and the services' saved events are always kept: they are small beside a
 * checkpoint, and they are what {@code accumulate} trains on and what recomputation replays.
 */
public record RetentionSettings(int keepEvery, int keepLast) {

    /** Bounds of both fields: a run has at most 10,000 generations, so {@code keepEvery} MAX keeps only 0. */
    public static final int MAX = 10_000;

    void problems(List<String> problems) {
        if (keepEvery < 1 || keepEvery > MAX) {
            problems.add("retention.keepEvery must be between 1 (keep every generation) and " + MAX + ", was "
                    + keepEvery);
        }
        if (keepLast < 1 || keepLast > MAX) {
            problems.add("retention.keepLast must be between 1 and " + MAX + " (the newest checkpoint is what the"
                    + " run continues from), was " + keepLast);
        }
    }

    /**
     * Whether generation {@code generation}'s checkpoint stays once generation {@code newestCheckpoint}'s is
     * published.
     */
    public boolean keeps(int generation, int newestCheckpoint) {
        return generation % keepEvery == 0 || generation > newestCheckpoint - keepLast;
    }

    /** The policy in words, for logs and reports: "keep every 3rd generation's checkpoint and the last 2". */
    public String describe() {
        String every = keepEvery == 1 ? "every" : "every " + ordinal(keepEvery);
        return "keep " + every + " generation's checkpoint and the last " + keepLast;
    }

    private static String ordinal(int n) {
        if (n % 100 >= 11 && n % 100 <= 13) {
            return n + "th";
        }
        return n + switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
    }
}
