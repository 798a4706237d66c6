package io.collapselab.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1));

    @Test
    void doublesTheBackoffUpToTheCap() {
        assertEquals(Duration.ofMillis(100), policy.backoffAfter(1));
        assertEquals(Duration.ofMillis(200), policy.backoffAfter(2));
        assertEquals(Duration.ofMillis(800), policy.backoffAfter(4));
        assertEquals(Duration.ofSeconds(1), policy.backoffAfter(5));
        assertEquals(Duration.ofSeconds(1), policy.backoffAfter(1_000), "no overflow for absurd attempt counts");
    }

    @Test
    void rejectsPoliciesThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> policy.backoffAfter(0));
    }
}
