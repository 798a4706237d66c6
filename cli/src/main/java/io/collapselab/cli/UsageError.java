package io.collapselab.cli;

/** Bad input found before any work started; reported as one line with exit code 2. */
public final class UsageError extends RuntimeException {

    public UsageError(String message) {
        super(message);
    }
}
