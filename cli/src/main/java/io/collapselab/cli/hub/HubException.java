package io.collapselab.cli.hub;

/**
 * A pull or a look into the cache failed after it started (the hub answered with an error, a download broke off
 * for good, a file did not match its digest, the cache could not be written); the message is one line that says
 * what happened and what to do. Bad input and an unreachable hub are {@link io.collapselab.cli.UsageError}s.
 */
public final class HubException extends RuntimeException {

    HubException(String message) {
        super(message);
    }

    HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
