package io.collapselab.cli;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.cli.runs.InvalidRunException;
import io.collapselab.cli.runs.RunIds;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.cli.runs.RunSubmitter;
import io.collapselab.events.kafka.KafkaRole;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Submits the variants of an experiment: uploads the real texts and publishes one RunRequested per run. */
final class Submission {

    /** How long looking a run id up in the event log may take. */
    private static final Duration LOOKUP_TIMEOUT = Duration.ofMinutes(1);

    private Submission() {
    }

    /** @return the run ids, in the order of the variants */
    static List<String> submit(ClusterOptions.Cluster cluster, List<SweepOptions.Variant> variants,
                               DataOptions.RealTexts texts, String runId) {
        if (runId != null && variants.size() > 1) {
            throw new UsageError("--run-id names one run; the grid submits " + variants.size());
        }
        if (runId != null && !RunIds.isValid(runId)) {
            throw new UsageError("invalid --run-id: " + RunIds.problem(runId));
        }
        if (runId != null) {
            refuseExisting(cluster, runId);
        }
        List<String> ids = new ArrayList<>();
        try (ArtifactStore store = new ArtifactStore(cluster.s3());
             RunSubmitter submitter = new RunSubmitter(cluster.kafka(KafkaRole.SUBMITTER), store)) {
            for (SweepOptions.Variant variant : variants) {
                String id = runId != null ? runId : RunIds.fresh(variant.label());
                submitter.submit(id, variant.config(), texts.train(), texts.heldout(), variant.baseModel(),
                        variant.group());
                ids.add(id);
            }
        } catch (InvalidRunException e) {
            throw new UsageError(e.getMessage());
        }
        return ids;
    }

    /**
     * A second request under a run id would conflict with the first (the services refuse it, and the run's audit
     * fails for good), so a run id the log already knows is refused before anything is uploaded or published.
     */
    private static void refuseExisting(ClusterOptions.Cluster cluster, String runId) {
        RunLog log;
        try (RunObserver observer = new RunObserver(cluster.kafka(KafkaRole.SUBMITTER))) {
            log = observer.read(runId, LOOKUP_TIMEOUT);
        }
        if (!log.entries().isEmpty()) {
            throw new UsageError("run " + runId + " already exists (status " + log.status() + "; " + log.describe()
                    + "); submit under another --run-id, or leave it out for a fresh one");
        }
    }
}
