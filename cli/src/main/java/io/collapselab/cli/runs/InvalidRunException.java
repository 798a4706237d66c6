package io.collapselab.cli.runs;

import java.util.List;

/** A run was refused before anything was uploaded or published, for the problems listed. */
public final class InvalidRunException extends IllegalArgumentException {

    private final String runId;
    private final List<String> problems;

    InvalidRunException(String runId, List<String> problems) {
        super("run '" + runId + "' was not submitted (nothing was uploaded or published): "
                + String.join("; ", problems));
        this.runId = runId;
        this.problems = List.copyOf(problems);
    }

    public String runId() {
        return runId;
    }

    /** Each problem names the field, what would be valid and what was there. */
    public List<String> problems() {
        return problems;
    }
}
