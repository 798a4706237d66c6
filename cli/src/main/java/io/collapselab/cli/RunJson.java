package io.collapselab.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.events.RunGroup;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.lm.loop.GenerationReport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The JSON summary of a run, the same for {@code collapse loop} and the distributed pipeline:
 * {@code {runId, status, config, generations: [...]}} with one entry per generation 0..G, and {@code group} for a
 * run submitted as one of a grid (see {@link RunGroup}), as {@link JsonOutput} writes it. Public because the
 * pipeline's summary is assembled from events by {@link io.collapselab.cli.runs.RunLog}.
 */
public record RunJson(String runId, String status, ExperimentConfig config, List<GenerationReport> generations,
                      @JsonInclude(JsonInclude.Include.NON_NULL) RunGroup group) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A run on its own: one of no grid. */
    public RunJson(String runId, String status, ExperimentConfig config, List<GenerationReport> generations) {
        this(runId, status, config, generations, null);
    }

    /** The summaries in {@code file}: one run, or the list a grid writes. */
    public static List<RunJson> readAll(Path file) throws IOException {
        JsonNode tree = MAPPER.readTree(file.toFile());
        if (tree == null || tree.isMissingNode()) {
            throw new IOException("the file is empty");
        }
        return tree.isArray() ? MAPPER.convertValue(tree, new TypeReference<List<RunJson>>() { })
                : List.of(MAPPER.treeToValue(tree, RunJson.class));
    }
}
