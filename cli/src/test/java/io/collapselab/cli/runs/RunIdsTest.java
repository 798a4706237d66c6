package io.collapselab.cli.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RunIdsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T09:08:07Z"), ZoneId.of("Asia/Tokyo"));

    @Test
    void acceptsExactlyLowercaseDigitsAndInnerHyphensUpTo63Characters() {
        assertTrue(RunIds.isValid("a"));
        assertTrue(RunIds.isValid("0-smoke-run-"));
        assertTrue(RunIds.isValid("a".repeat(63)));
        assertFalse(RunIds.isValid("a".repeat(64)));
        assertFalse(RunIds.isValid(""));
        assertFalse(RunIds.isValid(null));
        assertFalse(RunIds.isValid("-smoke"));
        assertFalse(RunIds.isValid("Smoke"));
        assertFalse(RunIds.isValid("smoke_1"));
        assertFalse(RunIds.isValid("smoke/../other"));
    }

    @Test
    void requireValidSaysWhatARunIdMayLookLike() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunIds.requireValid("A b"));
        assertEquals("run id 'A b' is invalid: use 1 to 63 characters of a-z, 0-9 and '-', starting with a letter"
                + " or digit", e.getMessage());
    }

    @Test
    void freshIdsArePrefixUtcTimeAndRandomSuffix() {
        String id = RunIds.fresh("smoke", CLOCK, new Random(1));

        assertTrue(id.matches("smoke-20240501-090807-[a-z0-9]{4}"), id);
        assertNotEquals(id, RunIds.fresh("smoke", CLOCK, new Random(2)));
    }

    @Test
    void prefixesAreCleanedAndShortenedToKeepIdsValid() {
        assertTrue(RunIds.fresh("My Experiment (v2)!", CLOCK, new Random(1))
                .startsWith("my-experiment-v2-20240501-090807-"));
        assertTrue(RunIds.fresh("--", CLOCK, new Random(1)).startsWith("run-20240501-"));
        assertTrue(RunIds.fresh(null, CLOCK, new Random(1)).startsWith("run-20240501-"));

        String longId = RunIds.fresh("x".repeat(41) + "-tail", CLOCK, new Random(1));
        assertEquals(62, longId.length(), longId);
        assertTrue(RunIds.isValid(longId));
        assertTrue(longId.startsWith("x".repeat(41) + "-20240501"), "no doubled hyphen where it was cut: " + longId);
    }
}
