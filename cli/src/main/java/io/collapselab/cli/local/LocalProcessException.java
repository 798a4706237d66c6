package io.collapselab.cli.local;

/** A local process could not be started, reached or stopped; the message names it and its log. */
public final class LocalProcessException extends RuntimeException {

    public LocalProcessException(String message) {
        super(message);
    }
}
