package io.collapselab.cli;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.cli.runs.InvalidRunException;
import io.collapselab.cli.runs.RunIds;
import io.collapselab.cli.runs.RunSubmitter;

import java.util.ArrayList;
import java.util.List;

/** Submits the variants of an experiment: uploads the real texts and publishes one RunRequested per run. */
final class Submission {

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
        List<String> ids = new ArrayList<>();
        try (ArtifactStore store = new ArtifactStore(cluster.s3());
             RunSubmitter submitter = new RunSubmitter(cluster.bootstrapServers(), store)) {
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
}
