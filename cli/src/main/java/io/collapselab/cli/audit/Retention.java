package io.collapselab.cli.audit;

import io.collapselab.cli.runs.RunLog.Generation;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.events.RunRequested;
import io.collapselab.experiment.ExperimentConfig;

/** What a run's retention policy allowed the trainer to remove, judged from the log alone. */
final class Retention {

    private Retention() {
    }

    /**
     * Whether the trainer may have removed checkpoint {@code generation}: the policy does not keep it given the
     * newest checkpoint in the log, and the log holds the generation's evaluation (the trainer removes nothing
     * before the evaluator is done with it).
     */
    static boolean mayHaveRemovedCheckpoint(RunLog log, int generation) {
        ExperimentConfig config = log.request().map(RunRequested::config).orElse(null);
        if (config == null || config.retention() == null) {
            return false;
        }
        int newest = log.generations().stream()
                .filter(g -> g.checkpoint() != null)
                .mapToInt(Generation::generation)
                .max()
                .orElse(-1);
        return !config.keepsCheckpoint(generation, newest)
                && log.generation(generation).map(Generation::evaluation).isPresent();
    }
}
