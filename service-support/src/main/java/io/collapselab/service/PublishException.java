package io.collapselab.service;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;

/** The broker did not acknowledge a record. */
public class PublishException extends RuntimeException {

    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether sending the same record again may succeed: yes for an unreachable or overloaded broker, no when the
     * broker refused the record itself (too large, not authorised, no such topic).
     */
    public boolean isTransient() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof RetriableException) {
                return true;
            }
            if (t instanceof ApiException) {
                return false;
            }
        }
        return true;
    }
}
