package io.collapselab.events;

import io.collapselab.experiment.CollapsePolicy;
import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.MixingSettings;
import io.collapselab.experiment.ModelSettings;
import io.collapselab.experiment.SamplingSettings;
import io.collapselab.experiment.TrainingSettings;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Valid, fixed events of one run, as the golden files hold them. */
public final class Fixtures {

    public static final String RUN_ID = "demo-run-1";
    public static final String BUCKET = "collapse";
    public static final Instant OCCURRED_AT = Instant.parse("2024-05-01T12:00:00Z");

    public static final String TRAIN_SHA256 = "eaa8f8454baee3801c1c75c7fb59cf1d23083e2b11ba2965b6cff716c2ccfc97";
    public static final String HELDOUT_SHA256 = "97ba9c8d8213a2d11db0d6527ca96127d77c4b4263b046d5c862f5db7fc65e45";
    public static final String CHECKPOINT_0_SHA256 = "e055ee90ebeef778b7c0624f35362677710b5cc88b5940feff118b23b06b807d";
    public static final String CORPUS_0_SHA256 = "c42ac7d5e16d1bb5d90bb11804ac2fe3cd1c708ca1925e2b7b4e42407634f239";
    public static final String TOKENS_1_SHA256 = "b042673404b809629b81825f90fab744401e7be113063b08cf4ba84e88baad20";
    public static final String TRAINING_STATE_0_SHA256 =
            "8a3c5fb6752eeb07f91f33a10f3dc00830703ba1644462c168f00d09e2e6bb93";
    public static final String TRAINING_STATE_1_SHA256 =
            "7d1574f013636564ea0e4b8fe64c73e03b258ad8022bb867b94d5448d678ca18";
    public static final String CHECKPOINT_1_SHA256 = "5f1a74ffaecac407c9450f9478fb5d9919d5c4fd0b34a5158ca88b0a08d2daa7";
    public static final String CORPUS_1_SHA256 = "97f08dc8fcc8f6935287c54ddad02932b7f3bab6a2c983ff3efe5afedcdf9396";

    public static final ProducerInfo CLI = new ProducerInfo("cli", "workstation-1", "0.1.0-SNAPSHOT");
    public static final ProducerInfo TRAINER = new ProducerInfo("trainer-service", "trainer-7d9f8-x2k4q", "0.1.0");
    public static final ProducerInfo GENERATOR = new ProducerInfo("generator-service", "generator-0", "0.1.0");
    public static final ProducerInfo EVALUATOR = new ProducerInfo("evaluator-service", "evaluator-0", "0.1.0");

    private Fixtures() {
    }

    public static String uri(String keyUnderRun) {
        return "s3://" + BUCKET + "/runs/" + RUN_ID + "/" + keyUnderRun;
    }

    public static ExperimentConfig config() {
        return new ExperimentConfig(
                "wikitext-byte-demo",
                new ModelSettings(2, 4, 64, 32, 0.1f, ModelSettings.BYTE_TOKENIZER, 0),
                new TrainingSettings(200, 8, 3e-4, 3e-5, TrainingSettings.COSINE, 20, 0.9, 0.95, 0.1, 1.0, false),
                new TrainingSettings(100, 8, 1e-4, 1e-5, TrainingSettings.CONSTANT, 0, 0.9, 0.95, 0.1, 1.0, true),
                5,
                sampling(),
                new MixingSettings(MixingSettings.REPLACE, 0),
                new EvaluationSettings(0, 16, 0.1, 500, EvaluationSettings.WHOLE_TEXT, 100, 1),
                new CollapsePolicy(0.05, 8, true),
                42L);
    }

    public static SamplingSettings sampling() {
        return new SamplingSettings(20_000, 16, 1.0, 0, 1.0, "\n", true, SamplingSettings.FAST_WINDOW);
    }

    public static RunRequested runRequested() {
        return RunRequested.of(RUN_ID, OCCURRED_AT, CLI, config(), new RunInputs(
                new ObjectRef(uri("inputs/train.txt"), TRAIN_SHA256, 1_048_576),
                new ObjectRef(uri("inputs/heldout.txt"), HELDOUT_SHA256, 65_536)));
    }

    /** A run that starts from a pretrained GPT-2 and takes no pretraining steps. */
    public static RunRequested pretrainedRunRequested() {
        ExperimentConfig config = config();
        ModelSettings m = config.model();
        ExperimentConfig pretrained = config
                .withModel(m.initializedFrom("gpt2", m.layers(), m.heads(), m.width(), ModelSettings.GELU_TANH))
                .withPretraining(config.pretraining().withSteps(0));
        String configSha = "c".repeat(64);
        String weightsSha = "d".repeat(64);
        return RunRequested.of(RUN_ID, OCCURRED_AT, CLI, pretrained, new RunInputs(
                new ObjectRef(uri("inputs/train.txt"), TRAIN_SHA256, 1_048_576),
                new ObjectRef(uri("inputs/heldout.txt"), HELDOUT_SHA256, 65_536),
                new RunInputs.BaseModel(
                        new ObjectRef("s3://collapse/models/" + configSha + "/config.json", configSha, 665),
                        new ObjectRef("s3://collapse/models/" + weightsSha + "/model.safetensors", weightsSha,
                                548_105_171))));
    }

    public static RunCompleted runCompleted() {
        return RunCompleted.of(RUN_ID, 5, OCCURRED_AT, EVALUATOR, RunCompleted.Reason.MAX_GENERATIONS,
                "reached the configured 5 generations", 5);
    }

    public static CheckpointPublished checkpointPublished() {
        return CheckpointPublished.of(RUN_ID, 1, OCCURRED_AT, TRAINER,
                new ObjectRef(uri("gen-0001/checkpoint.bin"), CHECKPOINT_1_SHA256, 1_234_567),
                new ObjectRef(uri("gen-0001/training-state.bin"), TRAINING_STATE_1_SHA256, 2_468_901),
                CHECKPOINT_0_SHA256, CORPUS_0_SHA256, 100, 26_400, 1.875, 4_321);
    }

    public static CheckpointPublished firstCheckpointPublished() {
        return CheckpointPublished.of(RUN_ID, 0, OCCURRED_AT, TRAINER,
                new ObjectRef(uri("gen-0000/checkpoint.bin"), CHECKPOINT_0_SHA256, 1_234_567),
                new ObjectRef(uri("gen-0000/training-state.bin"), TRAINING_STATE_0_SHA256, 2_468_901),
                null, TRAIN_SHA256, 200, 52_800, 2.25, 8_642);
    }

    public static CorpusGenerated corpusGenerated() {
        return CorpusGenerated.of(RUN_ID, 1, OCCURRED_AT, GENERATOR,
                new ObjectRef(uri("gen-0001/corpus.txt"), CORPUS_1_SHA256, 20_016),
                new ObjectRef(uri("gen-0001/corpus-tokens.bin"), TOKENS_1_SHA256, 80_064), 20_000, CHECKPOINT_1_SHA256,
                sampling(), 43L);
    }

    public static EvaluationCompleted evaluationCompleted() {
        return EvaluationCompleted.of(RUN_ID, 1, OCCURRED_AT, EVALUATOR,
                new EvaluationCompleted.Metrics(1.5, 4.4816890703380645, EvaluationSettings.WHOLE_TEXT, 65_535L,
                        2.25, 3906.25, 1.5, 4.4816890703380645, 2.25, 3906.25, 65_535L, 0.0625, 0.375, 0.6875, 0.125,
                        4.25, 0.0078125, 0.015625, 0),
                "the cat sat on the mat", false, CHECKPOINT_1_SHA256, CORPUS_1_SHA256);
    }

    /** A generation measured by the window estimate alone: the whole-text figure is null, not 0. */
    public static EvaluationCompleted windowEvaluationCompleted() {
        return EvaluationCompleted.of(RUN_ID, 1, OCCURRED_AT, EVALUATOR,
                new EvaluationCompleted.Metrics(1.625, 5.0784190371800815, EvaluationSettings.WINDOWS, 3_200L, 2.375,
                        4096.5, null, null, null, null, null, 0.0625, 0.375, 0.6875, 0.125, 4.25, 0.0078125, 0.015625,
                        0),
                "the cat sat on the mat", false, CHECKPOINT_1_SHA256, CORPUS_1_SHA256);
    }

    public static DeadLetter deadLetter() {
        return DeadLetter.of("not valid JSON: Unexpected character", "collapse.corpora", 3, 42L, RUN_ID,
                "{not json".getBytes(StandardCharsets.UTF_8), TRAINER, OCCURRED_AT);
    }

    /** One valid event of every type. */
    public static List<CollapseEvent> allEvents() {
        return List.of(runRequested(), runCompleted(), checkpointPublished(), corpusGenerated(),
                evaluationCompleted());
    }
}
