package io.collapselab.cli.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.events.config.RunConfig;
import io.collapselab.events.json.EventJson;
import io.collapselab.lm.loop.ExperimentConfig;
import io.collapselab.lm.loop.Presets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunConfigsTest {

    private static final ObjectMapper MAPPER = EventJson.newObjectMapper();

    @Test
    void everyPresetSurvivesTheTripThroughTheEventsRunConfig() {
        for (String name : Presets.names()) {
            ExperimentConfig preset = Presets.get(name);
            RunConfig runConfig = RunConfigs.toRunConfig(preset);

            assertEquals(List.of(), runConfig.problems(), name);
            assertEquals(MAPPER.valueToTree(preset), MAPPER.valueToTree(runConfig), name + ": same JSON");
            assertEquals(preset, RunConfigs.toExperimentConfig(runConfig), name);
        }
    }
}
