package io.collapselab.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.cli.RunJson;
import io.collapselab.cli.runs.RunIds;
import io.collapselab.cli.runs.RunListener;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.experiment.ExperimentConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A service killed with SIGKILL in the middle of a generation and started again: the run still completes, with
 * exactly one checkpoint and one corpus per generation, and with the digests of an undisturbed run (the reference,
 * {@code collapse loop}), i.e. the work that was cut off was redone from the last committed event and nothing was
 * lost or applied twice.
 */
class CrashIT {

    /**
     * How long after the event that starts the interrupted work the kill is sent: long enough for the service to
     * have received the event and begun, far shorter than the stretched phases of {@link Experiments#CRASHABLE}.
     */
    private static final Duration INTO_THE_WORK = Duration.ofMillis(500);

    @RegisterExtension
    static PipelineExtension extension = new PipelineExtension();

    @Test
    void aTrainerKilledWhileTrainingAGenerationIsRestartedAndTheRunEndsAsIfUndisturbed(Pipeline pipeline) {
        crashAndRecover(pipeline, Service.TRAINER, "CorpusGenerated(0), which starts the training of generation 1",
                log -> log.generation(0).map(g -> g.corpus() != null).orElse(false),
                "CheckpointPublished(1)", log -> log.generation(1).map(g -> g.checkpoint() == null).orElse(true));
    }

    @Test
    void aGeneratorKilledWhileSamplingAGenerationIsRestartedAndTheRunEndsAsIfUndisturbed(Pipeline pipeline) {
        crashAndRecover(pipeline, Service.GENERATOR,
                "CheckpointPublished(1), which starts the sampling of generation 1",
                log -> log.generation(1).map(g -> g.checkpoint() != null).orElse(false),
                "CorpusGenerated(1)", log -> log.generation(1).map(g -> g.corpus() == null).orElse(true));
    }

    private static void crashAndRecover(Pipeline pipeline, Service victim, String trigger,
                                        Predicate<RunLog> workStarted, String result,
                                        Predicate<RunLog> workUnfinished) {
        ExperimentConfig config = Experiments.CRASHABLE;
        Experiments.Texts texts = Experiments.texts();
        String runId = RunIds.fresh("e2e-crash-" + victim.module());
        CompletableFuture<RunJson> reference = Experiments.startReference(config);

        pipeline.submitter().submit(runId, config, texts.train(), texts.heldout());
        RunLog log;
        try (RunObserver observer = pipeline.observer()) {
            observer.await(runId, trigger, workStarted, PipelineIT.RUN_TIMEOUT, RunListener.NONE);
            sleep(INTO_THE_WORK);
            pipeline.kill(victim);
            RunLog atKill = observer.read(runId, Duration.ofSeconds(30));
            assertTrue(workUnfinished.test(atKill), victim.module() + " had already published " + result
                    + " when it was killed, so the kill interrupted nothing; lengthen that phase in"
                    + " Experiments.CRASHABLE. " + atKill.describe());
            pipeline.restart(victim);
            log = observer.awaitCompletion(runId, PipelineIT.RUN_TIMEOUT, new ProgressLog(runId));
        }

        RunChecks.assertExactlyOneEventEach(log, config.generations());
        RunChecks.assertLineage(log);
        RunChecks.assertObjectsVerify(log, pipeline.store());
        RunChecks.assertSameAsReference(log, reference.join());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
