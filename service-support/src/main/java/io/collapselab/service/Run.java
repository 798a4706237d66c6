package io.collapselab.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.events.RunRequested;
import io.collapselab.events.json.EventJson;
import io.collapselab.lm.loop.ExperimentConfig;
import java.util.List;

/**
 * A run as requested: the event that started it and its configuration as the language model reads it.
 *
 * @param request the run's {@code RunRequested}
 * @param config the same configuration as {@code request.config()}, converted for {@code lm}
 */
public record Run(RunRequested request, ExperimentConfig config) {

    private static final ObjectMapper MAPPER = EventJson.newObjectMapper();

    public String runId() {
        return request.runId();
    }

    /**
     * The run a valid {@code RunRequested} describes.
     *
     * @throws IllegalArgumentException when its config is not one the language model can run, naming every problem
     */
    public static Run of(RunRequested request) {
        ExperimentConfig config;
        try {
            // The events' RunConfig mirrors lm's ExperimentConfig field for field, so JSON converts one into the
            // other without either module knowing the other.
            config = MAPPER.convertValue(request.config(), ExperimentConfig.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config of run " + request.runId() + " cannot be read as an"
                    + " experiment config: " + e.getMessage(), e);
        }
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid config of run " + request.runId() + ": "
                    + String.join("; ", problems));
        }
        return new Run(request, config);
    }
}
