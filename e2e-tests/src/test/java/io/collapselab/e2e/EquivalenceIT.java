package io.collapselab.e2e;

import io.collapselab.cli.RunJson;
import io.collapselab.cli.runs.RunIds;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.experiment.ExperimentConfig;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The distributed pipeline computes exactly what the in-process loop ({@code collapse loop}) computes: with the same
 * config, seed, texts and intra-op thread count, every generation has the same checkpoint and corpus digests and
 * the same metrics, although each step ran in another process, from objects that went through S3.
 */
class EquivalenceIT {

    @RegisterExtension
    static PipelineExtension extension = new PipelineExtension();

    @Test
    void thePipelineAndTheInProcessLoopGiveTheSameGenerations(Pipeline pipeline) {
        ExperimentConfig config = Experiments.SMOKE;
        Experiments.Texts texts = Experiments.texts();
        String runId = RunIds.fresh("e2e-equivalence");

        pipeline.submitter().submit(runId, config, texts.train(), texts.heldout());
        // Computed while the services work, in a JVM of its own.
        CompletableFuture<RunJson> reference = Experiments.startReference(config);
        RunLog log;
        try (RunObserver observer = pipeline.observer()) {
            log = observer.awaitCompletion(runId, PipelineIT.RUN_TIMEOUT, new ProgressLog(runId));
        }

        RunChecks.assertExactlyOnce(log, config.generations());
        RunChecks.assertSameAsReference(log, reference.join());
    }
}
