package io.collapselab.experiment;

/**
 * How a run that did not fail ends, as its config decides: the last configured generation was reached, or a
 * generation collapsed under a policy that stops there. The wire names are those of the {@code RunCompleted}
 * event's reasons and of {@code collapse loop}'s status.
 */
public enum RunEnd {
    MAX_GENERATIONS("max-generations"),
    COLLAPSE_DETECTED("collapse-detected");

    private final String wireName;

    RunEnd(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
