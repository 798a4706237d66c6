package io.collapselab.cli.runs;

import java.time.Duration;

/** What was awaited of a run did not happen in time; {@link #log()} is what had been read by then. */
public final class RunTimeoutException extends RunObservationException {

    private final transient RunLog log;

    RunTimeoutException(String awaited, Duration timeout, RunLog log) {
        super(awaited + " did not happen within " + timeout.toSeconds() + " s; " + log.describe(), null);
        this.log = log;
    }

    public RunLog log() {
        return log;
    }
}
