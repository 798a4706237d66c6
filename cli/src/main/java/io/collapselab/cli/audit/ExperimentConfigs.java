package io.collapselab.cli.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.events.config.RunConfig;
import io.collapselab.events.json.EventJson;
import io.collapselab.lm.loop.ExperimentConfig;

/**
 * The model's experiment config of a run config carried by events. The two have the same JSON shape by contract,
 * so the conversion goes through JSON with the events' own mapper, exactly as the services convert.
 */
final class ExperimentConfigs {

    private static final ObjectMapper MAPPER = EventJson.newObjectMapper();

    private ExperimentConfigs() {
    }

    static ExperimentConfig of(RunConfig config) {
        return MAPPER.convertValue(config, ExperimentConfig.class);
    }
}
