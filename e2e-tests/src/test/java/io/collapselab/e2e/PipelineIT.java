package io.collapselab.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.collapselab.cli.runs.RunIds;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.experiment.ExperimentConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One smoke run through the three services, checked event by event and object by object. */
class PipelineIT {

    static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    @RegisterExtension
    static PipelineExtension extension = new PipelineExtension();

    @Test
    void aSmokeRunPassesThroughEveryServiceOnceWithAnUnbrokenLineage(Pipeline pipeline) {
        ExperimentConfig config = Experiments.SMOKE;
        Experiments.Texts texts = Experiments.texts();
        String runId = RunIds.fresh("e2e-pipeline");
        ProgressLog progress = new ProgressLog(runId);

        pipeline.submitter().submit(runId, config, texts.train(), texts.heldout());
        RunLog log;
        try (RunObserver observer = pipeline.observer()) {
            log = observer.awaitCompletion(runId, RUN_TIMEOUT, progress);
        }

        RunChecks.assertExactlyOnce(log, config.generations());
        RunChecks.assertLineage(log);
        RunChecks.assertObjectsVerify(log, pipeline.store());
        assertEquals(List.of(0, 1, 2), progress.generations(), "progress was reported generation by generation");
    }
}
