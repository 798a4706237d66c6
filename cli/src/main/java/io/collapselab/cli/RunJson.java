package io.collapselab.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.collapselab.events.RunGroup;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.lm.loop.GenerationReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The JSON summary of a run, the same for {@code collapse loop} and the distributed pipeline:
 * {@code {runId, status, config, generations: [...]}} with one entry per generation 0..G, and {@code group} for a
 * run submitted as one of a grid (see {@link RunGroup}). Public because the
 * pipeline's summary is assembled from events by {@link io.collapselab.cli.runs.RunLog}.
 */
public record RunJson(String runId, String status, ExperimentConfig config, List<GenerationReport> generations,
                      @JsonInclude(JsonInclude.Include.NON_NULL) RunGroup group) {

    /** A run on its own: one of no grid. */
    public RunJson(String runId, String status, ExperimentConfig config, List<GenerationReport> generations) {
        this(runId, status, config, generations, null);
    }

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            MAPPER.writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new IllegalStateException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Several runs as a JSON array of summaries. */
    public static void writeAll(List<RunJson> runs, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            MAPPER.writeValue(file.toFile(), runs);
        } catch (IOException e) {
            throw new IllegalStateException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    public static RunJson read(Path file) throws IOException {
        return MAPPER.readValue(file.toFile(), RunJson.class);
    }
}
