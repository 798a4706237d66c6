package io.collapselab.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.cli.runs.RunIds;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.ModelSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A checkpoint larger than any Java array, and than four times the services' heaps, through the pipeline: a wide
 * byte-level model of 190 million weights (0.76 GB of weights, 1.5 GB of AdamW moments) trained for one step,
 * streamed from the trainer's engine to the store, from the store into the generator's and the evaluator's, and
 * verified against its digests at every read.
 */
class LargeCheckpointIT {

    /** Two layers of width 2,816: 12 · 2 · 2816² ≈ 190 million weights. */
    static final ModelSettings WIDE = new ModelSettings(2, 11, 2816, 8, 0f, ModelSettings.BYTE_TOKENIZER, 0);
    private static final long TWO_GIB = 2L << 30;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(8);

    @RegisterExtension
    static PipelineExtension extension = new PipelineExtension();

    @Test
    void aCheckpointOfMoreThanTwoGibibytesPassesTrainerGeneratorAndEvaluator(Pipeline pipeline) {
        ExperimentConfig smoke = Experiments.SMOKE;
        EvaluationSettings e = smoke.evaluation();
        ExperimentConfig config = smoke.withName("e2e-large-checkpoint")
                .withModel(WIDE)
                .withGenerations(0)
                .withPretraining(smoke.pretraining().withSteps(1))
                .withSampling(smoke.sampling().withTokensPerGeneration(16))
                .withEvaluation(new EvaluationSettings(64, e.batchSize(), e.tailQuantile(), e.excerptChars(),
                        EvaluationSettings.WHOLE_TEXT, e.heldoutWindows(), e.wholeTextEvery()))
                .validated();
        Experiments.Texts texts = Experiments.texts();
        String runId = RunIds.fresh("e2e-large");

        pipeline.submitter().submit(runId, config, texts.train(), texts.heldout());
        RunLog log;
        try (RunObserver observer = pipeline.observer()) {
            log = observer.awaitCompletion(runId, RUN_TIMEOUT, new ProgressLog(runId));
        }

        RunChecks.assertExactlyOnce(log, 0);
        CheckpointPublished checkpoint = log.generation(0).orElseThrow().checkpoint();
        long total = checkpoint.checkpoint().size() + checkpoint.trainingState().size();
        assertTrue(total > TWO_GIB, "checkpoint of " + total + " bytes");
        assertTrue(checkpoint.checkpoint().size() > Pipeline.SERVICE_HEAP_BYTES,
                "the weights alone exceed each service's heap");
        assertEquals(checkpoint.checkpoint().sha256(), log.generation(0).orElseThrow().corpus().checkpointSha256(),
                "the generator sampled from the published weights");
        RunChecks.assertObjectsVerify(log, pipeline.store());
    }
}
