package io.collapselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.experiment.RetentionSettings;
import org.junit.jupiter.api.Test;

class ExperimentOptionsTest {

    @Test
    void keepEveryAloneKeepsTheNewestCheckpointToo() {
        ExperimentOptions options = new ExperimentOptions();
        options.keepEvery = 3;

        assertEquals(new RetentionSettings(3, 1), options.resolve("smoke").retention());
    }

    @Test
    void keepLastAloneKeepsOnlyTheNewestAndGenerationZero() {
        ExperimentOptions options = new ExperimentOptions();
        options.keepLast = 2;

        assertEquals(new RetentionSettings(RetentionSettings.MAX, 2), options.resolve("smoke").retention());
    }

    @Test
    void withoutEitherTheRunKeepsEverything() {
        assertNull(new ExperimentOptions().resolve("smoke").retention());
    }

    @Test
    void aKeepEveryOfZeroIsRefusedNamingTheField() {
        ExperimentOptions options = new ExperimentOptions();
        options.keepEvery = 0;

        UsageError error = assertThrows(UsageError.class, () -> options.resolve("smoke"));
        assertTrue(error.getMessage().contains("retention.keepEvery must be between 1"), error.getMessage());
    }
}
