package io.collapselab.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.ProducerInfo;
import io.collapselab.events.RunInputs;
import io.collapselab.events.RunRequested;
import io.collapselab.events.config.RunConfig;
import io.collapselab.events.json.EventJson;
import io.collapselab.lm.loop.ExperimentConfig;
import io.collapselab.lm.loop.Presets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunTest {

    private static final ObjectMapper MAPPER = EventJson.newObjectMapper();

    @Test
    void readsTheRunConfigAsTheModelsExperimentConfig() {
        for (String preset : Presets.names()) {
            ExperimentConfig config = Presets.get(preset);
            assertEquals(config, Run.of(request(MAPPER.convertValue(config, RunConfig.class))).config(), preset);
        }
    }

    @Test
    void refusesAConfigTheModelCannotRun() {
        ExperimentConfig invalid = Presets.get("smoke").withGenerations(-1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Run.of(request(MAPPER.convertValue(invalid, RunConfig.class))));
        assertTrue(e.getMessage().startsWith("invalid config of run r1: generations must be between"),
                e.getMessage());
    }

    static RunRequested request(RunConfig config) {
        ObjectRef input = new ObjectRef("s3://collapse/runs/r1/inputs/train.txt", "a".repeat(64), 1);
        return RunRequested.of("r1", Instant.parse("2024-05-01T12:00:00Z"), new ProducerInfo("cli", "host", "1"),
                config, new RunInputs(input, input));
    }
}
