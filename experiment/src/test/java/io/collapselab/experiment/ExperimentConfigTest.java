package io.collapselab.experiment;

import static io.collapselab.experiment.ConfigMutations.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExperimentConfigTest {

    @Test
    void fixtureIsValid() {
        ExperimentConfig config = ConfigMutations.valid();

        assertEquals(List.of(), config.problems());
        assertSame(config, config.validated());
    }

    /** Each case changes one field of a valid config and expects exactly that problem. */
    static Stream<Arguments> singleProblems() {
        return Stream.of(
                Arguments.of("name", " ", "name must not be empty"),
                Arguments.of("generations", -1, "generations must be between 0 and 9999 (object keys hold four digits), was -1"),
                Arguments.of("generations", 10_000, "generations must be between 0 and 9999 (object keys hold four digits), was 10000"),
                Arguments.of("model", null, "model is missing"),
                Arguments.of("model.layers", 0, "model.layers must be between 1 and 96, was 0"),
                Arguments.of("model.layers", 97, "model.layers must be between 1 and 96, was 97"),
                Arguments.of("model.heads", 0, "model.heads must be at least 1, was 0"),
                Arguments.of("model.heads", 6, "model.heads (6) must divide model.width (64)"),
                Arguments.of("model.width", 16_385, "model.width must be between 1 and 16384, was 16385"),
                Arguments.of("model.contextLength", 1, "model.contextLength must be between 2 and 65536, was 1"),
                Arguments.of("model.dropout", 1.0, "model.dropout must be in [0, 1), was 1.0"),
                Arguments.of("model.tokenizer", "char",
                        "model.tokenizer must be 'byte', 'bpe' or 'gpt2', was 'char'"),
                Arguments.of("model.activation", "relu", "model.activation must be 'gelu' or 'gelu_new', was 'relu'"),
                Arguments.of("model.initFrom", " ",
                        "model.initFrom must name a Hugging Face repository or a directory, or be left out"),
                Arguments.of("model.initFrom", "gpt2",
                        "model.tokenizer must be 'gpt2' when model.initFrom names a pretrained GPT-2, was 'byte'"),
                Arguments.of("model.tokenizer", "bpe",
                        "model.bpeVocabularySize must be between 257 and 65536 for the bpe tokenizer, was 0"),
                Arguments.of("pretraining", null, "pretraining is missing"),
                Arguments.of("pretraining.steps", 0, "pretraining.steps must be between 1 and 100000000, was 0"),
                Arguments.of("selfTraining.batchSize", 0, "selfTraining.batchSize must be between 1 and 65536, was 0"),
                Arguments.of("selfTraining.learningRate", 11.0,
                        "selfTraining.learningRate must be in (0, 10], was 11.0"),
                Arguments.of("selfTraining.minLearningRate", 0.5,
                        "selfTraining.minLearningRate must be in [0, learningRate], was 0.5"),
                Arguments.of("pretraining.schedule", "linear",
                        "pretraining.schedule must be 'constant' or 'cosine', was 'linear'"),
                Arguments.of("pretraining.warmupSteps", -1, "pretraining.warmupSteps must not be negative, was -1"),
                Arguments.of("pretraining.beta1", 1.0, "pretraining.beta1 must be in [0, 1), was 1.0"),
                Arguments.of("pretraining.beta2", -0.1, "pretraining.beta2 must be in [0, 1), was -0.1"),
                Arguments.of("pretraining.weightDecay", 11.0, "pretraining.weightDecay must be in [0, 10], was 11.0"),
                Arguments.of("selfTraining.budget", "tokens",
                        "selfTraining.budget must be 'fixed-steps' or 'epochs', was 'tokens'"),
                Arguments.of("selfTraining.budget", "epochs",
                        "selfTraining.epochs is missing; budget 'epochs' trains that many epochs"),
                Arguments.of("selfTraining.epochs", 2.0, "selfTraining.epochs is read only under budget 'epochs'; "
                        + "remove it or set selfTraining.budget to 'epochs'"),
                Arguments.of("pretraining.gradientClip", -1.0,
                        "pretraining.gradientClip must be >= 0 (0 disables clipping), was -1.0"),
                Arguments.of("sampling", null, "sampling is missing"),
                Arguments.of("sampling.tokensPerGeneration", 0,
                        "sampling.tokensPerGeneration must be between 1 and 1000000000, was 0"),
                Arguments.of("sampling.tokensPerGeneration", 32,
                        "sampling.tokensPerGeneration (32) must be at least model.contextLength + 1 (33) so the next "
                                + "generation has a full training window"),
                Arguments.of("sampling.tokensPerGeneration", "0x real-size",
                        "sampling.tokensPerGeneration must be a multiple of real-size in (0, 1000], was "
                                + "'0x real-size'"),
                Arguments.of("sampling.tokensPerGeneration", "1001x real-size",
                        "sampling.tokensPerGeneration must be a multiple of real-size in (0, 1000], was "
                                + "'1001x real-size'"),
                Arguments.of("sampling.tokensPerGeneration", null, "sampling.tokensPerGeneration is missing"),
                Arguments.of("sampling.sequences", 4097, "sampling.sequences must be between 1 and 4096, was 4097"),
                Arguments.of("sampling.temperature", 0.0, "sampling.temperature must be in (0, 100], was 0.0"),
                Arguments.of("sampling.topK", -1, "sampling.topK must be >= 0 (0 disables it), was -1"),
                Arguments.of("sampling.topP", 1.5, "sampling.topP must be in (0, 1], was 1.5"),
                Arguments.of("sampling.prompt", "", "sampling.prompt must not be empty (the paper uses \"\\n\")"),
                Arguments.of("sampling.window", "sliding", "sampling.window must be 'exact' or 'fast', was 'sliding'"),
                Arguments.of("mixing", null, "mixing is missing"),
                Arguments.of("mixing.policy", "blend",
                        "mixing.policy must be 'replace', 'accumulate', 'accumulate-subsample' or 'mix', was 'blend'"),
                Arguments.of("mixing.policy", "mix",
                        "mixing.realFraction must be in (0, 1) for the mix policy, was 0.0"),
                Arguments.of("evaluation", null, "evaluation is missing"),
                Arguments.of("evaluation.maxHeldoutTokens", -1,
                        "evaluation.maxHeldoutTokens must be >= 0 (0: the whole held-out text), was -1"),
                Arguments.of("evaluation.batchSize", 0, "evaluation.batchSize must be between 1 and 65536, was 0"),
                Arguments.of("evaluation.tailQuantile", 1.0, "evaluation.tailQuantile must be in (0, 1), was 1.0"),
                Arguments.of("evaluation.excerptChars", 100_001,
                        "evaluation.excerptChars must be between 0 and 100000, was 100001"),
                Arguments.of("evaluation.heldout", "sampled",
                        "evaluation.heldout must be 'whole' (the whole held-out text) or 'windows' (random windows, as"
                                + " the paper estimates), was 'sampled'"),
                Arguments.of("evaluation.heldoutWindows", 0,
                        "evaluation.heldoutWindows must be between 1 and 1000000, was 0"),
                Arguments.of("evaluation.heldoutWindows", 1_000_001,
                        "evaluation.heldoutWindows must be between 1 and 1000000, was 1000001"),
                Arguments.of("evaluation.wholeTextEvery", 0,
                        "evaluation.wholeTextEvery must be between 1 and 10000 generations, was 0"),
                Arguments.of("evaluation.wholeTextEvery", 10,
                        "evaluation.wholeTextEvery must be 1 when evaluation.heldout is 'whole' (the whole text is"
                                + " then every generation's figure), was 10; set evaluation.heldout to 'windows' to"
                                + " measure the whole text less often"),
                Arguments.of("pretraining.klAnchor", 0.5, "pretraining.klAnchor anchors self-training to its start; "
                        + "pre-training has none, remove it"),
                Arguments.of("pretraining.realGradientWeight", 0.0, "pretraining.realGradientWeight anchors "
                        + "self-training to its start; pre-training has none, remove it"),
                Arguments.of("selfTraining.klAnchor", -0.1, "selfTraining.klAnchor must be in [0, 1000], was -0.1"),
                Arguments.of("selfTraining.realGradientWeight", 1001.0,
                        "selfTraining.realGradientWeight must be in [0, 1000], was 1001.0"),
                Arguments.of("collapse", null, "collapse is missing"),
                Arguments.of("collapse.distinct2Below", 1.5, "collapse.distinct2Below must be in [0, 1], was 1.5"),
                Arguments.of("collapse.maxCycleLength", -1,
                        "collapse.maxCycleLength must be >= 0 (0 disables it), was -1"));
    }

    @ParameterizedTest(name = "[{index}] {0} = {1}")
    @MethodSource("singleProblems")
    void reportsExactlyTheBrokenRule(String path, Object value, String expectedProblem) {
        ExperimentConfig broken = with(ConfigMutations.valid(), path, value);

        assertEquals(List.of(expectedProblem), broken.problems());
    }

    @Test
    void acceptsTheBoundaryValues() {
        ExperimentConfig config = ConfigMutations.valid();

        assertEquals(List.of(), with(config, "generations", 0).problems());
        assertEquals(List.of(), with(config, "sampling.tokensPerGeneration", 33).problems());
        assertEquals(List.of(), with(with(config, "model.tokenizer", "bpe"), "model.bpeVocabularySize", 257)
                .problems());
        assertEquals(List.of(), with(config, "model.tokenizer", "gpt2").problems());
        assertEquals(List.of(), with(with(config, "mixing.policy", "mix"), "mixing.realFraction", 0.5).problems());
        assertEquals(List.of(), with(config, "mixing.policy", "accumulate").problems());
        ExperimentConfig windows = with(config, "evaluation.heldout", "windows");
        assertEquals(List.of(), with(with(windows, "evaluation.wholeTextEvery", 10_000), "evaluation.heldoutWindows",
                1_000_000).problems());
        assertEquals(List.of(), with(windows, "evaluation.heldoutWindows", 1).problems());
        assertEquals(List.of(), with(config, "mixing.policy", "accumulate-subsample").problems());
        assertEquals(List.of(), with(config, "sampling.tokensPerGeneration", "1000x real-size").problems());
        assertEquals(List.of(), with(epochs(config, 10_000.0), "selfTraining.steps", 0).problems());
        assertEquals(List.of(), with(with(config, "selfTraining.klAnchor", 1000.0), "selfTraining.realGradientWeight",
                0.0).problems());
    }

    @Test
    void anEvaluationWithoutTheNewerFieldsMeasuresTheWholeTextEveryGeneration() {
        EvaluationSettings old = with(with(with(ConfigMutations.valid(), "evaluation.heldout", null),
                "evaluation.heldoutWindows", null), "evaluation.wholeTextEvery", null).evaluation();

        assertEquals(EvaluationSettings.WHOLE_TEXT, old.heldout());
        assertEquals(EvaluationSettings.DEFAULT_WINDOWS, old.heldoutWindows());
        assertEquals(1, old.wholeTextEvery());
        assertEquals(ConfigMutations.valid().evaluation(), old);
        for (int g = 0; g <= 5; g++) {
            assertTrue(old.wholeTextAt(g, 5), "generation " + g);
        }
    }

    @Test
    void theWindowEstimateGetsTheWholeTextEveryKGenerationsAtTheFirstAndAtTheLast() {
        EvaluationSettings every4 = with(with(ConfigMutations.valid(), "evaluation.heldout", "windows"),
                "evaluation.wholeTextEvery", 4).evaluation();

        List<Integer> whole = IntStream.rangeClosed(0, 10).filter(g -> every4.wholeTextAt(g, 10)).boxed().toList();

        assertTrue(every4.usesWindows());
        assertEquals(List.of(0, 4, 8, 10), whole);
        assertTrue(every4.wholeTextAt(8, 8), "a last generation on the schedule is measured once, as usual");
    }

    @Test
    void theEpochsOfAnEpochsBudgetMustBePositiveAndBounded() {
        ExperimentConfig config = ConfigMutations.valid();

        assertEquals(List.of("selfTraining.epochs must be in (0, 10000], was 0.0"), epochs(config, 0.0).problems());
        assertEquals(List.of("selfTraining.epochs must be in (0, 10000], was 10001.0"),
                epochs(config, 10_001.0).problems());
    }

    @Test
    void aSizeRelativeToTheRealTextMeetsTheTrainingWindowOnlyOnceResolved() {
        // 0.0001 of any text a test reads is far below the 33-token window, which the config alone cannot know.
        ExperimentConfig config = with(ConfigMutations.valid(), "sampling.tokensPerGeneration", "0.0001x real-size");

        assertEquals(List.of(), config.problems());
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> config.corpusTokens(() -> 100_000));
        assertEquals("sampling.tokensPerGeneration '0.0001x real-size' of the real training text's 100000 tokens is "
                + "10 tokens, which must be between model.contextLength + 1 (33) and 1000000000; choose another "
                + "multiple or a number of tokens", thrown.getMessage());
    }

    @Test
    void theCorpusTokensAreTheNumberOrTheMultipleOfTheRealTextsTokens() {
        ExperimentConfig config = ConfigMutations.valid();

        assertEquals(20_000, config.corpusTokens(() -> {
            throw new AssertionError("a number of tokens needs no real text");
        }));
        assertEquals(1_001, with(config, "sampling.tokensPerGeneration", "real-size").corpusTokens(() -> 1_001));
        assertEquals(2_002, with(config, "sampling.tokensPerGeneration", "2x real-size").corpusTokens(() -> 1_001));
        // 0.5 * 1001 = 500.5 rounds up to a whole token.
        assertEquals(501, with(config, "sampling.tokensPerGeneration", "0.5x real-size").corpusTokens(() -> 1_001));
        assertThrows(IllegalArgumentException.class,
                () -> with(config, "sampling.tokensPerGeneration", "1000x real-size").corpusTokens(() -> 1_000_001));
    }

    private static ExperimentConfig epochs(ExperimentConfig config, double epochs) {
        return with(with(config, "selfTraining.budget", "epochs"), "selfTraining.epochs", epochs);
    }

    @Test
    void theTrainingWindowRuleWaitsUntilEverySectionIsValid() {
        // A broken section would make the window comparison meaningless; only the section's own problem shows.
        ExperimentConfig config = with(with(ConfigMutations.valid(), "sampling.tokensPerGeneration", 10),
                "model.layers", 0);

        assertEquals(List.of("model.layers must be between 1 and 96, was 0"), config.problems());
    }

    @Test
    void validatedListsEveryProblem() {
        ExperimentConfig config = with(with(ConfigMutations.valid(), "name", ""), "model.heads", 5);

        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, config::validated);

        assertEquals("invalid config: name must not be empty; model.heads (5) must divide model.width (64)",
                thrown.getMessage());
    }

    @Test
    void retentionBoundsBothCountsAndNamesTheField() {
        ExperimentConfig valid = ConfigMutations.valid();

        assertEquals(List.of(), valid.withRetention(new RetentionSettings(1, 1)).problems());
        assertEquals(List.of(), valid.withRetention(new RetentionSettings(10_000, 10_000)).problems());
        assertEquals(List.of("retention.keepEvery must be between 1 (keep every generation) and 10000, was 0",
                        "retention.keepLast must be between 1 and 10000 (the newest checkpoint is what the run"
                                + " continues from), was 0"),
                valid.withRetention(new RetentionSettings(0, 0)).problems());
    }

    @Test
    void retentionKeepsEveryKthGenerationAndTheLastNOnly() {
        ExperimentConfig every3Last2 = ConfigMutations.valid().withRetention(new RetentionSettings(3, 2));

        List<Integer> keptAtNine = IntStream.rangeClosed(0, 9)
                .filter(g -> every3Last2.keepsCheckpoint(g, 9)).boxed().toList();
        assertEquals(List.of(0, 3, 6, 8, 9), keptAtNine);
        assertTrue(every3Last2.keepsCheckpoint(7, 8), "7 is among the last two while 8 is the newest");
        assertTrue(ConfigMutations.valid().keepsCheckpoint(7, 9), "without a policy every checkpoint stays");
        assertEquals("keep every 3rd generation's checkpoint and the last 2", every3Last2.retention().describe());
        assertEquals("keep every 12th generation's checkpoint and the last 1", new RetentionSettings(12, 1).describe());
        assertEquals("keep every generation's checkpoint and the last 1", new RetentionSettings(1, 1).describe());
    }

    @Test
    void aRunEndsAtItsLastGenerationOrAtACollapseWhenItStopsOnCollapse() {
        ExperimentConfig stopping = ConfigMutations.valid();
        ExperimentConfig continuing = with(stopping, "collapse.stopOnCollapse", false);

        assertEquals(Optional.empty(), stopping.endAfter(0, false));
        assertEquals(Optional.empty(), stopping.endAfter(4, false));
        assertEquals(Optional.of(RunEnd.MAX_GENERATIONS), stopping.endAfter(5, false));
        assertEquals(Optional.of(RunEnd.COLLAPSE_DETECTED), stopping.endAfter(2, true));
        assertEquals(Optional.of(RunEnd.COLLAPSE_DETECTED), stopping.endAfter(5, true));
        assertEquals(Optional.empty(), continuing.endAfter(2, true));
        assertEquals(Optional.of(RunEnd.MAX_GENERATIONS), continuing.endAfter(5, true));
    }

    @Test
    void aPretrainedModelMayTakeNoPretrainingStepsAndAFreshOneMayNot() {
        ExperimentConfig pretrained = with(with(with(ConfigMutations.valid(), "model.initFrom", "gpt2"),
                "model.tokenizer", "gpt2"), "pretraining.steps", 0);

        assertEquals(List.of(), pretrained.problems());
        assertEquals(List.of("pretraining.steps must be between 1 and 100000000, was 0"),
                with(ConfigMutations.valid(), "pretraining.steps", 0).problems());
        assertEquals(List.of("selfTraining.steps must be between 1 and 100000000, was 0"),
                with(pretrained, "selfTraining.steps", 0).problems());
    }
}
