package io.collapselab.cli.audit;

import io.collapselab.cli.runs.RunLog.Generation;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.events.RunRequested;
import io.collapselab.experiment.ExperimentConfig;

/**
 * What a run's retention policy allowed the trainer to remove, judged from the log alone. Built once per audited
 * log: the newest checkpoint it names is found once, not once per generation asked about.
 */
final class Retention {

    private final RunLog log;
    private final ExperimentConfig config;
    private final int newestCheckpoint;

    private Retention(RunLog log) {
        this.log = log;
        this.config = log.request().map(RunRequested::config).orElse(null);
        this.newestCheckpoint = log.generations().stream()
                .filter(g -> g.checkpoint() != null)
                .mapToInt(Generation::generation)
                .max()
                .orElse(-1);
    }

    static Retention of(RunLog log) {
        return new Retention(log);
    }

    /**
     * Whether the trainer may have removed checkpoint {@code generation}: the policy does not keep it given the
     * newest checkpoint in the log, and the log holds the generation's evaluation (the trainer removes nothing
     * before the evaluator is done with it).
     */
    boolean mayHaveRemovedCheckpoint(int generation) {
        return config != null && config.retention() != null
                && !config.keepsCheckpoint(generation, newestCheckpoint)
                && log.generation(generation).map(Generation::evaluation).isPresent();
    }
}
