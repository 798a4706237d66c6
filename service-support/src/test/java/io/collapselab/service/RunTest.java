package io.collapselab.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.events.ObjectRef;
import io.collapselab.events.ProducerInfo;
import io.collapselab.events.RunInputs;
import io.collapselab.events.RunRequested;
import io.collapselab.events.json.EventJson;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.Presets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunTest {

    @Test
    void aRunFollowsTheConfigItsRequestCarriedThroughKafka() {
        for (String preset : Presets.names()) {
            ExperimentConfig config = Presets.get(preset);
            RunRequested published = (RunRequested) EventJson.readEvent(EventJson.toBytes(request(config)));

            assertEquals(config, Run.of(published).config(), preset);
        }
    }

    @Test
    void refusesAConfigTheModelCannotRun() {
        ExperimentConfig invalid = Presets.get("smoke").withGenerations(-1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Run.of(request(invalid)));
        assertTrue(e.getMessage().startsWith("invalid config of run r1: generations must be between"),
                e.getMessage());
    }

    static RunRequested request(ExperimentConfig config) {
        ObjectRef input = new ObjectRef("s3://collapse/runs/r1/inputs/train.txt", "a".repeat(64), 1);
        return RunRequested.of("r1", Instant.parse("2024-05-01T12:00:00Z"), new ProducerInfo("cli", "host", "1"),
                config, new RunInputs(input, input));
    }
}
