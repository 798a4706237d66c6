package io.collapselab.cli.runs;

import io.collapselab.cli.runs.RunLog.Generation;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.EvaluationCompleted;
import io.collapselab.events.RunRequested;
import io.collapselab.experiment.MixingSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The digests of a run's events that must chain: generation 0 trained on the run's training text, every later
 * checkpoint on its parent and, under {@code replace}, on the previous corpus (the other policies train on a mix that
 * only the texts tell), every corpus sampled from its generation's checkpoint, every evaluation of its generation's
 * checkpoint and corpus. A digest is checked once both events it links are in the log, so a run in progress has
 * no breaks for what it has not published yet.
 */
final class LineageRules {

    private LineageRules() {
    }

    /** Every break in the log's lineage, by generation, in the order of the rules above. */
    static List<LineageBreak> breaks(RunLog log) {
        List<LineageBreak> breaks = new ArrayList<>();
        RunRequested request = log.request().orElse(null);
        for (Generation g : log.generations()) {
            int n = g.generation();
            CheckpointPublished checkpoint = g.checkpoint();
            String checkpointSha = checkpoint == null ? null : checkpoint.checkpoint().sha256();
            Generation previous = log.generation(n - 1).orElse(null);
            if (checkpoint != null && n == 0 && request != null) {
                chain(breaks, checkpoint, "was trained on", checkpoint.trainedOnSha256(), "the run's training text",
                        request.inputs().train().sha256());
            }
            if (checkpoint != null && previous != null && previous.checkpoint() != null) {
                chain(breaks, checkpoint, "names parent checkpoint", checkpoint.parentCheckpointSha256(),
                        "checkpoint " + (n - 1), previous.checkpoint().checkpoint().sha256());
            }
            if (checkpoint != null && previous != null && previous.corpus() != null && request != null
                    && MixingSettings.REPLACE.equals(request.config().mixing().policy())) {
                chain(breaks, checkpoint, "was trained on", checkpoint.trainedOnSha256(), "under the replace policy"
                        + " it trains on corpus " + (n - 1) + ", which", previous.corpus().corpus().sha256());
            }
            if (g.corpus() != null && checkpointSha != null) {
                chain(breaks, g.corpus(), "was sampled from checkpoint", g.corpus().checkpointSha256(),
                        "checkpoint " + n, checkpointSha);
            }
            EvaluationCompleted evaluation = g.evaluation();
            if (evaluation != null && checkpointSha != null) {
                chain(breaks, evaluation, "measured checkpoint", evaluation.checkpointSha256(), "checkpoint " + n,
                        checkpointSha);
            }
            if (evaluation != null && g.corpus() != null) {
                chain(breaks, evaluation, "measured corpus", evaluation.corpusSha256(), "corpus " + n,
                        g.corpus().corpus().sha256());
            }
        }
        return breaks;
    }

    private static void chain(List<LineageBreak> breaks, CollapseEvent named, String relation, String actual,
                              String expectedWhat, String expected) {
        if (!Objects.equals(actual, expected)) {
            breaks.add(new LineageBreak(named, RunLog.label(named) + " " + relation + " " + actual + ", but "
                    + expectedWhat + " is " + expected));
        }
    }
}
