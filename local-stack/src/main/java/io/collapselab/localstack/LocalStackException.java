package io.collapselab.localstack;

/** The local stack could not start (or refused to): the message says what was wrong and what to do. */
public class LocalStackException extends RuntimeException {

    public LocalStackException(String message) {
        super(message);
    }

    public LocalStackException(String message, Throwable cause) {
        super(message, cause);
    }
}
