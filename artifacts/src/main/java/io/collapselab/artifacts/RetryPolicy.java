package io.collapselab.artifacts;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently the store retries an S3 call that failed for a transient reason (connection
 * refused or reset, timeout, HTTP 5xx, throttling). The wait after the n-th failed attempt is
 * {@code initialBackoff * 2^(n-1)}, capped at {@code maxBackoff}; the store waits a random time between half of
 * that and all of it, so that replicas failing together do not retry together.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    /** Five attempts over about ten seconds at most: rides out a restarting S3 server or a brief network glitch. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(250), Duration.ofSeconds(4));

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1 (1 means no retries), got "
                    + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff must satisfy 0 <= initialBackoff <= maxBackoff, got "
                    + initialBackoff + " and " + maxBackoff);
        }
    }

    /** The longest wait after the given failed attempt (1-based), before jitter. */
    public Duration backoffAfter(int failedAttempt) {
        if (failedAttempt < 1) {
            throw new IllegalArgumentException("attempts are numbered from 1, got " + failedAttempt);
        }
        // Shifting past ~62 bits overflows; by then the cap has long been reached.
        int doublings = Math.min(failedAttempt - 1, 30);
        Duration backoff = initialBackoff.multipliedBy(1L << doublings);
        return backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff;
    }
}
