package io.collapselab.cli.audit;

/**
 * The audit could not be carried out (unknown run, unreachable broker or object store, missing topics); the
 * message is one line that says what is wrong and what to do.
 */
public final class AuditException extends RuntimeException {

    AuditException(String message) {
        super(message);
    }

    AuditException(String message, Throwable cause) {
        super(message, cause);
    }
}
