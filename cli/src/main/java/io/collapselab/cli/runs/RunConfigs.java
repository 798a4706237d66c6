package io.collapselab.cli.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.events.config.RunConfig;
import io.collapselab.events.json.EventJson;
import io.collapselab.lm.loop.ExperimentConfig;

/**
 * Converts between the model's experiment config and the run config carried by events. The two have the same
 * JSON shape by contract, so the conversion goes through JSON with the events' own mapper, exactly as the
 * services convert back.
 */
final class RunConfigs {

    private static final ObjectMapper MAPPER = EventJson.newObjectMapper();

    private RunConfigs() {
    }

    static RunConfig toRunConfig(ExperimentConfig config) {
        return MAPPER.convertValue(config, RunConfig.class);
    }

    static ExperimentConfig toExperimentConfig(RunConfig config) {
        return MAPPER.convertValue(config, ExperimentConfig.class);
    }
}
