package io.collapselab.e2e;

import io.collapselab.cli.RunJson;
import io.collapselab.cli.runs.RunIds;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.ModelSettings;
import io.collapselab.experiment.Presets;
import io.collapselab.lm.pretrained.TinyGpt2;
import io.collapselab.lm.tokenizer.Gpt2Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    /**
     * A run from a pretrained GPT-2 (GPT-2's vocabulary, a few hundred thousand weights) under the paper's protocol:
     * the submitter uploads the model, the trainer imports generation 0 from the object store, and every
     * generation matches the in-process loop that reads the model from its directory.
     */
    @Test
    void aRunFromAPretrainedModelGivesTheGenerationsOfTheLoop(Pipeline pipeline, @TempDir Path dir)
            throws IOException {
        Path model = TinyGpt2.random(1, 2, 8, 128, Gpt2Tokenizer.INSTANCE.vocabularySize(), 3)
                .write(dir.resolve("tiny-gpt2"), TinyGpt2.Layout.LM_HEAD_MODEL, TinyGpt2.Precision.F32);
        ExperimentConfig paper = Presets.get("paper-gpt2");
        ExperimentConfig config = paper.withName("e2e-pretrained")
                .withModel(paper.model().initializedFrom(model.toString(), 1, 2, 8, ModelSettings.GELU_TANH))
                .withGenerations(1)
                .withSampling(paper.sampling().withTokensPerGeneration(160))
                .withEvaluation(new EvaluationSettings(2_000, 4, paper.evaluation().tailQuantile(),
                        paper.evaluation().excerptChars()))
                .validated();
        Experiments.Texts texts = Experiments.texts();
        String runId = RunIds.fresh("e2e-pretrained");

        pipeline.submitter().submit(runId, config, texts.train(), texts.heldout(), model);
        CompletableFuture<RunJson> reference = Experiments.startReference(config);
        RunLog log;
        try (RunObserver observer = pipeline.observer()) {
            log = observer.awaitCompletion(runId, PipelineIT.RUN_TIMEOUT, new ProgressLog(runId));
        }

        RunChecks.assertExactlyOnce(log, config.generations());
        RunChecks.assertSameAsReference(log, reference.join());
        assertEquals(0, log.generation(0).orElseThrow().checkpoint().steps(), "generation 0 is the model itself");
    }
}
