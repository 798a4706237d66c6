package io.collapselab.cli.runs;

/** A run's events could not be read from Kafka. */
public class RunObservationException extends RuntimeException {

    RunObservationException(String message, Throwable cause) {
        super(message, cause);
    }
}
