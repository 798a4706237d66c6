package io.collapselab.service;

import io.collapselab.events.RunRequested;
import io.collapselab.experiment.ExperimentConfig;
import java.util.List;

/** A run as requested: the event that started it, whose config every generation of the run follows. */
public record Run(RunRequested request) {

    public String runId() {
        return request.runId();
    }

    public ExperimentConfig config() {
        return request.config();
    }

    /**
     * The run a valid {@code RunRequested} describes.
     *
     * @throws IllegalArgumentException when its config is not one the language model can run, naming every problem
     */
    public static Run of(RunRequested request) {
        List<String> problems = request.config().problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid config of run " + request.runId() + ": "
                    + String.join("; ", problems));
        }
        return new Run(request);
    }
}
