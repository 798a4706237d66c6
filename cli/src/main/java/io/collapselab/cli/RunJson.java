package io.collapselab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.lm.loop.GenerationReport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The JSON summary of a run, the same for {@code collapse loop} and the distributed pipeline:
 * {@code {runId, status, config, generations: [...]}} with one entry per generation 0..G, as {@link JsonOutput}
 * writes it. Public because the
 * pipeline's summary is assembled from events by {@link io.collapselab.cli.runs.RunLog}.
 */
public record RunJson(String runId, String status, ExperimentConfig config, List<GenerationReport> generations) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static RunJson read(Path file) throws IOException {
        return MAPPER.readValue(file.toFile(), RunJson.class);
    }
}
