package io.collapselab.cli;

/** Bad input found before any work started; reported as one line with exit code 2. */
final class UsageError extends RuntimeException {

    UsageError(String message) {
        super(message);
    }
}
