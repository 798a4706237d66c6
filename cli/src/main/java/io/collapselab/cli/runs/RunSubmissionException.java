package io.collapselab.cli.runs;

/**
 * A valid run could not be submitted because Kafka did not take its {@code RunRequested}. The inputs may already
 * be uploaded; submitting the same run again is safe, since uploads of identical content are no-ops and the
 * event's id is derived from the run id, so consumers treat a repeated request as the same one.
 */
public final class RunSubmissionException extends RuntimeException {

    RunSubmissionException(String message, Throwable cause) {
        super(message, cause);
    }
}
