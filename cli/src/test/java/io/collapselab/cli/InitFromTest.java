package io.collapselab.cli;

import static io.collapselab.cli.LoopCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.cli.LoopCommandTest.Result;
import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.ExperimentJson;
import io.collapselab.experiment.Presets;
import io.collapselab.lm.data.Wikitext2;
import io.collapselab.lm.loop.GenerationSteps;
import io.collapselab.lm.loop.Progress;
import io.collapselab.lm.pretrained.TinyGpt2;
import io.collapselab.lm.tokenizer.Gpt2Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --init-from} and {@code model.initFrom} on a GPT-2 of GPT-2's vocabulary but a few hundred thousand
 * weights, written in the hub's layout: the paper's protocol runs on it as it would on the real model.
 */
class InitFromTest {

    @TempDir
    static Path dir;
    static Path model;
    static Path config;

    @BeforeAll
    static void writeTheModelAndAConfigThatRunsQuickly() throws IOException {
        model = TinyGpt2.random(1, 2, 8, 128, Gpt2Tokenizer.INSTANCE.vocabularySize(), 5)
                .write(dir.resolve("tiny-gpt2"), TinyGpt2.Layout.BASE_MODEL, TinyGpt2.Precision.F32);
        ExperimentConfig paper = Presets.get("paper-gpt2");
        config = dir.resolve("quick.json");
        Files.writeString(config, ExperimentJson.toPrettyJson(paper
                .withSampling(paper.sampling().withTokensPerGeneration(160))
                .withEvaluation(new EvaluationSettings(2_000, 4, paper.evaluation().tailQuantile(),
                        paper.evaluation().excerptChars(), EvaluationSettings.WHOLE_TEXT, 100, 1))));
    }

    @Test
    void theLoopStartsGenerationZeroFromThePretrainedModelItself() throws IOException {
        Path json = dir.resolve("out.json");
        Result result = run("loop", "--config", config.toString(), "--init-from", model.toString(),
                "--generations", "2", "--json-file", json.toString());

        assertEquals(CollapseMain.OK, result.exitCode(), result.err());
        RunJson run = RunJson.readAll(json).get(0);
        assertEquals(model.toString(), run.config().model().initFrom());
        assertEquals(1, run.config().model().layers());
        assertEquals(8, run.config().model().width());
        assertEquals("gelu_new", run.config().model().activation());
        assertEquals(3, run.generations().size());
        assertEquals(0.0, run.generations().get(0).trainLoss(), "generation 0 took no step");
        byte[] train = Wikitext2.shippedTrainText();
        assertEquals(GenerationSteps.pretrain(run.config(), train, model, Progress.NONE).sha256(),
                run.generations().get(0).checkpointSha256(), "generation 0 is the imported model");
    }

    @Test
    void aConfigThatNamesAnotherArchitectureThanItsModelIsRefusedBeforeAnyWork() throws IOException {
        Path conflicting = dir.resolve("conflicting.json");
        ExperimentConfig paper = Presets.get("paper-gpt2");
        Files.writeString(conflicting, ExperimentJson.toPrettyJson(paper.withModel(paper.model()
                .initializedFrom(model.toString(), 12, 12, 768, "gelu_new"))));

        Result result = run("loop", "--config", conflicting.toString(), "--data-dir", "unused");

        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertEquals("collapse: invalid experiment: model.layers is 12, but " + model + " has n_layer 1;"
                + " model.heads is 12, but " + model + " has n_head 2; model.width is 768, but " + model
                + " has n_embd 8", result.err().strip());
    }

    @Test
    void aModelThatWasNeverPulledIsOneLineNamingThePullCommand() {
        Map<String, String> environment = Map.of("HF_HOME", dir.resolve("empty-hf-home").toString());

        Result result = run(commandLine -> ((LoopCommand) commandLine.getSubcommands().get("loop").getCommand())
                .experiment.environment = environment::get, "loop", "--preset", "paper-gpt2", "--data-dir", "unused");

        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertTrue(result.err().startsWith("collapse: model gpt2 at main is not in the cache: run `collapse models"
                + " pull gpt2`"), result.err());
    }
}
