package io.collapselab.events;

import static io.collapselab.events.Fixtures.RUN_ID;
import static io.collapselab.events.Mutations.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.events.json.EventJson;
import io.collapselab.experiment.CurationCounts;
import io.collapselab.experiment.CurationSettings;
import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.SamplingSettings;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventValidatorTest {

    private static final String BAD_DIGEST_SUFFIX = " must be a SHA-256 as 64 lowercase hex digits, was ";

    @Test
    void fixturesAreValidOnTheirOwnAndAgainstTheirConfig() {
        for (CollapseEvent event : Fixtures.allEvents()) {
            assertEquals(List.of(), EventValidator.problems(event), event.type().typeName());
            assertEquals(List.of(), EventValidator.problems(event, Fixtures.config()), event.type().typeName());
        }
        assertEquals(List.of(), EventValidator.problems(Fixtures.firstCheckpointPublished()));
        assertEquals(List.of(), EventValidator.problems(Fixtures.deadLetter()));
    }

    /** Each case changes one field of a valid event and expects exactly one problem. */
    static Stream<Arguments> singleProblems() {
        String longRunId = "r".repeat(64);
        return Stream.of(
                // envelope
                Arguments.of(Fixtures.checkpointPublished(), "schemaVersion", 0,
                        "schemaVersion must be at least 1, was 0"),
                Arguments.of(Fixtures.checkpointPublished(), "runId", "Demo_Run",
                        "runId must match [a-z0-9][a-z0-9-]{0,62}, was 'Demo_Run'"),
                Arguments.of(Fixtures.corpusGenerated(), "runId", "-leading-hyphen",
                        "runId must match [a-z0-9][a-z0-9-]{0,62}, was '-leading-hyphen'"),
                Arguments.of(Fixtures.runCompleted(), "runId", longRunId,
                        "runId must match [a-z0-9][a-z0-9-]{0,62}, was '" + longRunId + "'"),
                Arguments.of(Fixtures.runCompleted(), "runId", null, "runId is missing"),
                Arguments.of(Fixtures.checkpointPublished(), "generation", -1,
                        "generation must be between 0 and 9999, was -1"),
                Arguments.of(Fixtures.evaluationCompleted(), "generation", 10_000,
                        "generation must be between 0 and 9999, was 10000"),
                Arguments.of(Fixtures.runRequested(), "generation", 1,
                        "generation must be 0 for RunRequested, was 1"),
                Arguments.of(Fixtures.corpusGenerated(), "occurredAt", null, "occurredAt is missing"),
                Arguments.of(Fixtures.corpusGenerated(), "eventId", null, "eventId is missing"),
                Arguments.of(Fixtures.corpusGenerated(), "producer", null, "producer is missing"),
                Arguments.of(Fixtures.corpusGenerated(), "producer.service", "Generator Service",
                        "producer.service must match [a-z0-9][a-z0-9-]{0,62}, was 'Generator Service'"),
                Arguments.of(Fixtures.corpusGenerated(), "producer.instance", "pod/0",
                        "producer.instance must match [A-Za-z0-9][A-Za-z0-9._-]{0,252}, was 'pod/0'"),
                Arguments.of(Fixtures.corpusGenerated(), "producer.version", null,
                        "producer.version is missing"),
                // RunRequested
                Arguments.of(Fixtures.runRequested(), "config", null, "config is missing"),
                Arguments.of(Fixtures.runRequested(), "config.model.heads", 3,
                        "config: model.heads (3) must divide model.width (64)"),
                Arguments.of(Fixtures.runRequested(), "config.generations", 10_000,
                        "config: generations must be between 0 and 9999 (object keys hold four digits), was 10000"),
                Arguments.of(Fixtures.runRequested(), "inputs", null, "inputs is missing"),
                Arguments.of(Fixtures.runRequested(), "inputs.heldout", null, "inputs.heldout is missing"),
                Arguments.of(Fixtures.runRequested(), "inputs.train.uri", null, "inputs.train.uri is missing"),
                Arguments.of(Fixtures.runRequested(), "inputs.train.uri", "https://example.org/train.txt",
                        "inputs.train.uri must be an s3://bucket/key URI, was 'https://example.org/train.txt'"),
                Arguments.of(Fixtures.runRequested(), "inputs.train.uri", "s3://collapse/",
                        "inputs.train.uri must be an s3://bucket/key URI, was 's3://collapse/'"),
                Arguments.of(Fixtures.runRequested(), "inputs.train.uri",
                        "s3://Collapse_Bucket/runs/" + RUN_ID + "/inputs/train.txt",
                        "inputs.train.uri names bucket 'Collapse_Bucket'; a bucket name has 3-63 lowercase "
                                + "letters, digits, dots or hyphens and starts and ends with a letter or digit"),
                Arguments.of(Fixtures.runRequested(), "inputs.train.uri",
                        "s3://collapse/runs/other-run/inputs/train.txt",
                        "inputs.train.uri key must lie under runs/demo-run-1/, was "
                                + "'runs/other-run/inputs/train.txt'"),
                Arguments.of(Fixtures.runRequested(), "inputs.train.uri",
                        "s3://collapse/runs/" + RUN_ID + "-2/inputs/train.txt",
                        "inputs.train.uri key must lie under runs/demo-run-1/, was "
                                + "'runs/demo-run-1-2/inputs/train.txt'"),
                Arguments.of(Fixtures.runRequested(), "inputs.train.uri",
                        "s3://collapse/runs/" + RUN_ID + "/../other-run/train.txt",
                        "inputs.train.uri key must not contain empty, '.' or '..' segments, was "
                                + "'runs/demo-run-1/../other-run/train.txt'"),
                Arguments.of(Fixtures.runRequested(), "inputs.train.uri", "s3://collapse/runs/" + RUN_ID + "/",
                        "inputs.train.uri key must not contain empty, '.' or '..' segments, was "
                                + "'runs/demo-run-1/'"),
                Arguments.of(Fixtures.runRequested(), "inputs.train.sha256", Fixtures.TRAIN_SHA256.toUpperCase(),
                        "inputs.train.sha256" + BAD_DIGEST_SUFFIX + "'" + Fixtures.TRAIN_SHA256.toUpperCase() + "'"),
                Arguments.of(Fixtures.runRequested(), "inputs.train.sha256", "abc123",
                        "inputs.train.sha256" + BAD_DIGEST_SUFFIX + "'abc123'"),
                Arguments.of(Fixtures.runRequested(), "inputs.train.size", 0,
                        "inputs.train.size must be positive, was 0"),
                // RunCompleted
                Arguments.of(Fixtures.runCompleted(), "reason", null,
                        "reason is missing (expected max-generations, collapse-detected, failed or cancelled)"),
                Arguments.of(Fixtures.runCompleted(), "detail", null, "detail is missing"),
                Arguments.of(Fixtures.runCompleted(), "detail", "x".repeat(100_001),
                        "detail must be at most 100000 characters long, was 100001"),
                Arguments.of(failedRun(), "detail", " ", "detail must not be blank"),
                Arguments.of(failedRun(), "lastGeneration", 4,
                        "lastGeneration must be between 0 and generation (3) or null, was 4"),
                Arguments.of(Fixtures.runCompleted(), "lastGeneration", 4,
                        "lastGeneration must equal generation (5) when the reason is max-generations, was 4"),
                Arguments.of(Fixtures.runCompleted(), "reason", "collapse-detected", null),
                // CheckpointPublished
                Arguments.of(Fixtures.firstCheckpointPublished(), "parentCheckpointSha256",
                        Fixtures.CHECKPOINT_1_SHA256,
                        "parentCheckpointSha256 must be null for generation 0, which has no parent, was '"
                                + Fixtures.CHECKPOINT_1_SHA256 + "'"),
                Arguments.of(Fixtures.checkpointPublished(), "parentCheckpointSha256", null,
                        "parentCheckpointSha256 is missing"),
                Arguments.of(Fixtures.checkpointPublished(), "checkpoint.uri",
                        "s3://collapse/runs/other-run/gen-0001/checkpoint.bin",
                        "checkpoint.uri key must lie under runs/demo-run-1/, was "
                                + "'runs/other-run/gen-0001/checkpoint.bin'"),
                Arguments.of(Fixtures.checkpointPublished(), "trainingState", null, "trainingState is missing"),
                Arguments.of(Fixtures.checkpointPublished(), "trainingState.sha256", "not-a-digest",
                        "trainingState.sha256" + BAD_DIGEST_SUFFIX + "'not-a-digest'"),
                Arguments.of(Fixtures.checkpointPublished(), "trainingState.uri",
                        "s3://collapse/runs/demo-run-1/gen-0001/checkpoint.bin",
                        "trainingState.uri must name another object than checkpoint.uri, was "
                                + "'s3://collapse/runs/demo-run-1/gen-0001/checkpoint.bin'"),
                Arguments.of(Fixtures.checkpointPublished(), "trainedOnSha256", null, "trainedOnSha256 is missing"),
                Arguments.of(Fixtures.checkpointPublished(), "steps", -1, "steps must not be negative, was -1"),
                Arguments.of(Fixtures.checkpointPublished(), "tokensSeen", -5,
                        "tokensSeen must not be negative, was -5"),
                Arguments.of(Fixtures.checkpointPublished(), "trainLoss", Double.NaN,
                        "trainLoss must be a finite number >= 0, was NaN"),
                Arguments.of(Fixtures.checkpointPublished(), "trainLoss", -0.5,
                        "trainLoss must be a finite number >= 0, was -0.5"),
                Arguments.of(Fixtures.checkpointPublished(), "wallMs", -1, "wallMs must not be negative, was -1"),
                // CorpusGenerated
                Arguments.of(Fixtures.corpusGenerated(), "corpus.size", -1, "corpus.size must be positive, was -1"),
                Arguments.of(Fixtures.corpusGenerated(), "tokenCount", 0, "tokenCount must be positive, was 0"),
                Arguments.of(Fixtures.corpusGenerated(), "checkpointSha256", "not-a-digest",
                        "checkpointSha256" + BAD_DIGEST_SUFFIX + "'not-a-digest'"),
                Arguments.of(Fixtures.corpusGenerated(), "sampling", null, "sampling is missing"),
                Arguments.of(Fixtures.corpusGenerated(), "sampling.topP", 0.0,
                        "sampling.topP must be in (0, 1], was 0.0"),
                Arguments.of(Fixtures.corpusGenerated(), "tokens", null, "tokens is missing"),
                Arguments.of(Fixtures.corpusGenerated(), "tokens.uri",
                        "s3://collapse/runs/other-run/gen-0001/corpus-tokens.bin",
                        "tokens.uri key must lie under runs/demo-run-1/, was "
                                + "'runs/other-run/gen-0001/corpus-tokens.bin'"),
                Arguments.of(Fixtures.corpusGenerated(), "tokens.size", 80_063,
                        "tokens.size must be a multiple of 4 (4 bytes per token id), was 80063"),
                Arguments.of(Fixtures.corpusGenerated(), "tokens.size", 40,
                        "tokens holds 10 ids (tokens.size / 4), fewer than the tokenCount (20000) sampled"),
                // EvaluationCompleted
                Arguments.of(Fixtures.evaluationCompleted(), "heldoutLoss", Double.POSITIVE_INFINITY,
                        "heldoutLoss must be a finite number >= 0, was Infinity"),
                Arguments.of(Fixtures.evaluationCompleted(), "heldoutPerplexity", 0.5,
                        "heldoutPerplexity must be a finite number >= 1 (the exponential of a loss), was 0.5"),
                Arguments.of(Fixtures.evaluationCompleted(), "heldoutMethod", null,
                        "heldoutMethod is missing (expected 'whole' or 'windows')"),
                Arguments.of(Fixtures.evaluationCompleted(), "heldoutMethod", "sampled",
                        "heldoutMethod must be 'whole' or 'windows', was 'sampled'"),
                Arguments.of(Fixtures.evaluationCompleted(), "heldoutTokens", 0,
                        "heldoutTokens must be positive, was 0"),
                Arguments.of(Fixtures.windowEvaluationCompleted(), "heldoutTokens", null, "heldoutTokens is missing"),
                Arguments.of(Fixtures.evaluationCompleted(), "heldoutBitsPerByte", Double.NaN,
                        "heldoutBitsPerByte must be a finite number >= 0, was NaN"),
                Arguments.of(Fixtures.evaluationCompleted(), "heldoutWordPerplexity", 0.5,
                        "heldoutWordPerplexity must be a finite number >= 1 (the exponential of a loss), was 0.5"),
                Arguments.of(Fixtures.evaluationCompleted(), "heldoutWordPerplexity", null, null),
                Arguments.of(Fixtures.evaluationCompleted(), "wholeTextPerplexity", 0.9,
                        "wholeTextPerplexity must be a finite number >= 1 (the exponential of a loss), was 0.9"),
                Arguments.of(Fixtures.evaluationCompleted(), "wholeTextBitsPerByte", -1.0,
                        "wholeTextBitsPerByte must be a finite number >= 0, was -1.0"),
                Arguments.of(Fixtures.evaluationCompleted(), "wholeTextTokens", null, "wholeTextTokens is missing"),
                Arguments.of(Fixtures.evaluationCompleted(), "wholeTextWordPerplexity", null, null),
                Arguments.of(Fixtures.windowEvaluationCompleted(), "wholeTextTokens", 100,
                        "wholeTextTokens must be null without a wholeTextLoss: a whole-text figure is given whole or"
                                + " not at all"),
                Arguments.of(Fixtures.evaluationCompleted(), "unseenWordShare", 1.5,
                        "unseenWordShare must be in [0, 1], was 1.5"),
                Arguments.of(Fixtures.evaluationCompleted(), "unseenWordShare", null, "unseenWordShare is missing"),
                Arguments.of(Fixtures.evaluationCompleted(), "distinct1", -0.01,
                        "distinct1 must be in [0, 1], was -0.01"),
                Arguments.of(Fixtures.evaluationCompleted(), "distinct2", 1.5, "distinct2 must be in [0, 1], was 1.5"),
                Arguments.of(Fixtures.evaluationCompleted(), "distinct3", Double.NaN,
                        "distinct3 must be in [0, 1], was NaN"),
                Arguments.of(Fixtures.evaluationCompleted(), "repetition", 2.0,
                        "repetition must be in [0, 1], was 2.0"),
                Arguments.of(Fixtures.evaluationCompleted(), "entropy", -1.0,
                        "entropy must be a finite number >= 0, was -1.0"),
                Arguments.of(Fixtures.evaluationCompleted(), "tailMass", 1.0000001,
                        "tailMass must be in [0, 1], was 1.0000001"),
                Arguments.of(Fixtures.evaluationCompleted(), "cycleLength", -1,
                        "cycleLength must not be negative (0: no cycle), was -1"),
                Arguments.of(Fixtures.evaluationCompleted(), "sampleExcerpt", null, "sampleExcerpt is missing"),
                Arguments.of(Fixtures.evaluationCompleted(), "corpusSha256", null, "corpusSha256 is missing"));
    }

    @ParameterizedTest(name = "[{index}] {1} = {2}")
    @MethodSource("singleProblems")
    void reportsExactlyTheBrokenRule(CollapseEvent valid, String path, Object value, String expectedProblem) {
        CollapseEvent broken = with(valid, path, value);

        List<String> expected = expectedProblem == null ? List.of() : List.of(expectedProblem);
        assertEquals(expected, EventValidator.problems(broken));
    }

    @Test
    void aCuratedCorpusCountsWhatItsCurationKeptAndDropped() {
        CorpusGenerated plain = Fixtures.corpusGenerated();
        SamplingSettings curatedSampling = plain.sampling().withCuration(new CurationSettings(2.0, 8.0, 32, 2));
        CorpusGenerated curated = CorpusGenerated.of(plain.runId(), plain.generation(), plain.occurredAt(),
                plain.producer(), plain.corpus(), plain.tokens(), plain.tokenCount(), plain.checkpointSha256(),
                curatedSampling, plain.seed(), new CurationCounts(32, 10, 2, 4, 16));
        CorpusGenerated uncounted = CorpusGenerated.of(plain.runId(), plain.generation(), plain.occurredAt(),
                plain.producer(), plain.corpus(), plain.tokens(), plain.tokenCount(), plain.checkpointSha256(),
                curatedSampling, plain.seed());
        CorpusGenerated miscounted = CorpusGenerated.of(plain.runId(), plain.generation(), plain.occurredAt(),
                plain.producer(), plain.corpus(), plain.tokens(), plain.tokenCount(), plain.checkpointSha256(),
                curatedSampling, plain.seed(), new CurationCounts(16, 0, 0, 0, 16));
        CorpusGenerated countedWithoutCuration = CorpusGenerated.of(plain.runId(), plain.generation(),
                plain.occurredAt(), plain.producer(), plain.corpus(), plain.tokens(), plain.tokenCount(),
                plain.checkpointSha256(), plain.sampling(), plain.seed(), new CurationCounts(16, 0, 0, 0, 16));

        assertEquals(List.of(), EventValidator.problems(curated));
        assertEquals(curated, EventJson.readEvent(EventJson.toBytes(curated)));
        assertEquals(List.of("curation is missing: sampling.curation is set, so the event must count what it kept"),
                EventValidator.problems(uncounted));
        assertEquals(List.of("curation.sampled must be oversample x sampling.sequences = 32, was 16"),
                EventValidator.problems(miscounted));
        assertEquals(List.of("curation counts are given, but sampling has no curation"),
                EventValidator.problems(countedWithoutCuration));
        assertFalse(new String(EventJson.toBytes(plain), StandardCharsets.UTF_8).contains("curation"),
                "an event without curation is written as before");
    }

    @Test
    void acceptsTheBoundaryValues() {
        assertEquals(List.of(), EventValidator.problems(with(Fixtures.runCompleted(), "runId", "a")));
        assertEquals(List.of(), EventValidator.problems(with(Fixtures.evaluationCompleted(), "runId",
                "r".repeat(63))));
        assertEquals(List.of(), EventValidator.problems(with(Fixtures.evaluationCompleted(), "generation", 9999)));
        assertEquals(List.of(), EventValidator.problems(with(Fixtures.evaluationCompleted(), "distinct1", 1.0)));
        assertEquals(List.of(), EventValidator.problems(with(Fixtures.evaluationCompleted(), "heldoutPerplexity",
                1.0)));
        assertEquals(List.of(), EventValidator.problems(with(Fixtures.runRequested(), "config.generations", 9999)));
    }

    @Test
    void aWholeTextFigureWithoutItsLossIsReportedOnceForTheRestAndOnceForTheMethod() {
        CollapseEvent withoutLoss = with(Fixtures.evaluationCompleted(), "wholeTextLoss", null);

        assertEquals(List.of("wholeTextPerplexity, wholeTextBitsPerByte, wholeTextWordPerplexity, wholeTextTokens must"
                + " be null without a wholeTextLoss: a whole-text figure is given whole or not at all", "wholeTextLoss"
                + " is missing, but heldoutMethod 'whole' has the whole-text figure in every generation"),
                EventValidator.problems(withoutLoss));
    }

    @Test
    void theHeldoutFigureFollowsTheRunsEvaluationSettings() {
        ExperimentConfig whole = Fixtures.config();
        EvaluationSettings e = whole.evaluation();
        ExperimentConfig windows = whole.withEvaluation(new EvaluationSettings(e.maxHeldoutTokens(), e.batchSize(),
                e.tailQuantile(), e.excerptChars(), EvaluationSettings.WINDOWS, 100, 2));
        CollapseEvent windowsOnly = Fixtures.windowEvaluationCompleted();

        assertEquals(List.of(), EventValidator.problems(windowsOnly));
        assertEquals(List.of(), EventValidator.problems(windowsOnly, windows));
        assertEquals(List.of("heldoutMethod must be the run's evaluation.heldout ('whole'), was 'windows'"),
                EventValidator.problems(windowsOnly, whole));
        assertEquals(List.of("wholeTextLoss is missing, but generation 2 gets the whole-text figure"
                + " (evaluation.wholeTextEvery 2, generation 0 and the last, 5)"),
                EventValidator.problems(with(windowsOnly, "generation", 2), windows));
        assertEquals(List.of("wholeTextLoss is missing, but generation 5 gets the whole-text figure"
                + " (evaluation.wholeTextEvery 2, generation 0 and the last, 5)"),
                EventValidator.problems(with(windowsOnly, "generation", 5), windows));
        CollapseEvent wholeAtOne = with(Fixtures.evaluationCompleted(), "heldoutMethod", EvaluationSettings.WINDOWS);
        assertEquals(List.of("wholeTextLoss must be null: generation 1 gets no whole-text figure"
                + " (evaluation.wholeTextEvery 2), was 1.5"), EventValidator.problems(wholeAtOne, windows));
    }

    /** Version 1 events were written before the held-out method, its units, the token ids and the unseen share. */
    @Test
    void aVersionOneEventNeedsNoneOfTheVersionTwoFields() {
        CollapseEvent evaluation = Fixtures.evaluationCompleted();
        for (String field : List.of("schemaVersion", "heldoutMethod", "heldoutTokens", "heldoutBitsPerByte",
                "heldoutWordPerplexity", "wholeTextLoss", "wholeTextPerplexity", "wholeTextBitsPerByte",
                "wholeTextWordPerplexity", "wholeTextTokens", "unseenWordShare")) {
            evaluation = with(evaluation, field, field.equals("schemaVersion") ? 1 : null);
        }
        CollapseEvent corpus = with(with(Fixtures.corpusGenerated(), "schemaVersion", 1), "tokens", null);

        assertEquals(List.of(), EventValidator.problems(evaluation, Fixtures.config()));
        assertEquals(List.of(), EventValidator.problems(corpus, Fixtures.config()));
        assertEquals(List.of("tokens is missing"), EventValidator.problems(with(corpus, "schemaVersion", 2)));
        CollapseEvent checkpoint = with(with(Fixtures.checkpointPublished(), "schemaVersion", 2), "trainingState",
                null);
        assertEquals(List.of(), EventValidator.problems(checkpoint, Fixtures.config()));
        assertEquals(List.of("trainingState is missing"),
                EventValidator.problems(with(checkpoint, "schemaVersion", 3)));
    }

    @Test
    void acceptsANewerSchemaVersion() {
        assertEquals(List.of(), EventValidator.problems(with(Fixtures.corpusGenerated(), "schemaVersion",
                CollapseEvent.CURRENT_SCHEMA_VERSION + 1)));
    }

    @Test
    void eventIdMustBeTheDeterministicDigest() {
        CollapseEvent event = with(Fixtures.checkpointPublished(), "eventId", Fixtures.CORPUS_1_SHA256);
        String expectedId = EventIds.eventId(RUN_ID, EventType.CHECKPOINT_PUBLISHED, 1);

        assertEquals(List.of("eventId must be the SHA-256 of 'demo-run-1|CheckpointPublished|1' (" + expectedId
                + "), was '" + Fixtures.CORPUS_1_SHA256 + "'"), EventValidator.problems(event));
    }

    @Test
    void eventIdOfAnotherGenerationIsRejected() {
        CheckpointPublished valid = Fixtures.checkpointPublished();
        CheckpointPublished shifted = new CheckpointPublished(valid.eventId(), valid.schemaVersion(), valid.runId(),
                2, valid.occurredAt(), valid.producer(), valid.checkpoint(), valid.trainingState(),
                valid.parentCheckpointSha256(),
                valid.trainedOnSha256(), valid.steps(), valid.tokensSeen(), valid.trainLoss(), valid.wallMs());

        List<String> problems = EventValidator.problems(shifted);

        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("eventId must be the SHA-256 of 'demo-run-1|CheckpointPublished|2'"));
    }

    @Test
    void anInvalidRunIdIsReportedOnceNotAlsoAsWrongPrefixes() {
        CollapseEvent event = with(Fixtures.runRequested(), "runId", "Bad Run");

        assertEquals(List.of("runId must match [a-z0-9][a-z0-9-]{0,62}, was 'Bad Run'"),
                EventValidator.problems(event));
    }

    @Test
    void longValuesAreShortenedInMessages() {
        String huge = "x".repeat(5_000);
        List<String> problems = EventValidator.problems(with(Fixtures.corpusGenerated(), "checkpointSha256", huge));

        assertEquals(1, problems.size());
        assertTrue(problems.get(0).endsWith("…' (5000 characters)"), problems.get(0));
        assertTrue(problems.get(0).length() < 200, problems.get(0));
    }

    @Test
    void reportsEveryProblemNotJustTheFirst() {
        CollapseEvent event = with(with(with(Fixtures.evaluationCompleted(), "distinct1", 7.0), "entropy", -1.0),
                "corpusSha256", null);

        assertEquals(List.of("distinct1 must be in [0, 1], was 7.0", "entropy must be a finite number >= 0, was -1.0",
                "corpusSha256 is missing"), EventValidator.problems(event));
    }

    @Test
    void generationsAreBoundedByTheRunConfigWhereKnown() {
        ExperimentConfig config = Fixtures.config();
        CollapseEvent beyond = with(Fixtures.checkpointPublished(), "generation", config.generations() + 1);

        assertEquals(List.of(), EventValidator.problems(beyond));
        assertEquals(List.of("generation must be between 0 and 5, was 6"),
                EventValidator.problems(beyond, config));
    }

    @Test
    void excerptsAreBoundedByTheRunConfigWhereKnown() {
        CollapseEvent longExcerpt = with(Fixtures.evaluationCompleted(), "sampleExcerpt", "y".repeat(501));

        assertEquals(List.of(), EventValidator.problems(longExcerpt));
        assertEquals(List.of("sampleExcerpt must be at most 500 characters long, was 501"),
                EventValidator.problems(longExcerpt, Fixtures.config()));
    }

    @Test
    void maxGenerationsMustBeReachedWhenTheConfigIsKnown() {
        RunCompleted early = RunCompleted.of(RUN_ID, 4, Fixtures.OCCURRED_AT, Fixtures.EVALUATOR,
                RunCompleted.Reason.MAX_GENERATIONS, "", 4);

        assertEquals(List.of(), EventValidator.problems(early));
        assertEquals(List.of("generation must equal config.generations (5) when the reason is max-generations, was 4"),
                EventValidator.problems(early, Fixtures.config()));
    }

    @Test
    void aRunThatFailedBeforeItsFirstCheckpointHasNoLastGeneration() {
        RunCompleted failedEarly = RunCompleted.of(RUN_ID, 0, Fixtures.OCCURRED_AT, Fixtures.TRAINER,
                RunCompleted.Reason.FAILED, "pre-training diverged: loss is NaN at step 17", null);

        assertEquals(List.of(), EventValidator.problems(failedEarly));
    }

    @Test
    void aCollapsedRunMustNameTheGenerationItCollapsedAt() {
        RunCompleted collapsed = RunCompleted.of(RUN_ID, 3, Fixtures.OCCURRED_AT, Fixtures.EVALUATOR,
                RunCompleted.Reason.COLLAPSE_DETECTED, "distinct-2 fell to 0.01", null);

        assertEquals(List.of("lastGeneration must equal generation (3) when the reason is collapse-detected, was null"),
                EventValidator.problems(collapsed));
    }

    @Test
    void nullEventIsAProblemNotAnException() {
        assertEquals(List.of("event is missing"), EventValidator.problems((CollapseEvent) null));
        assertEquals(List.of("dead letter is missing"), EventValidator.problems((DeadLetter) null));
    }

    @Test
    void deadLettersAreChecked() {
        DeadLetter valid = Fixtures.deadLetter();

        assertEquals(List.of("reason must not be blank"),
                EventValidator.problems(with(valid, DeadLetter.class, "reason", "")));
        assertEquals(List.of("sourceTopic must be a Kafka topic name (1-249 letters, digits, '.', '_' or '-'), was "
                        + "'collapse corpora'"),
                EventValidator.problems(with(valid, DeadLetter.class, "sourceTopic", "collapse corpora")));
        assertEquals(List.of("sourcePartition must not be negative, was -1"),
                EventValidator.problems(with(valid, DeadLetter.class, "sourcePartition", -1)));
        assertEquals(List.of("sourceOffset must not be negative, was -1"),
                EventValidator.problems(with(valid, DeadLetter.class, "sourceOffset", -1)));
        assertEquals(List.of("refusedBy is missing"),
                EventValidator.problems(with(valid, DeadLetter.class, "refusedBy", null)));
        assertEquals(List.of("occurredAt is missing"),
                EventValidator.problems(with(valid, DeadLetter.class, "occurredAt", null)));
        assertEquals(List.of("schemaVersion must be at least 1, was 0"),
                EventValidator.problems(with(valid, DeadLetter.class, "schemaVersion", 0)));
        assertEquals(List.of(), EventValidator.problems(with(valid, DeadLetter.class, "originalKey", null)));
        assertEquals(List.of(), EventValidator.problems(with(valid, DeadLetter.class, "originalValue", null)));
    }

    private static RunCompleted failedRun() {
        return RunCompleted.of(RUN_ID, 3, Fixtures.OCCURRED_AT, Fixtures.TRAINER, RunCompleted.Reason.FAILED,
                "checkpoint upload failed: bucket not found", 2);
    }

    @Test
    void aPretrainedRunNamesItsBaseModelUnderEachFilesDigestAndAFreshRunNamesNone() {
        RunRequested pretrained = Fixtures.pretrainedRunRequested();
        String configSha = pretrained.inputs().baseModel().config().sha256();

        assertEquals(List.of(), EventValidator.problems(pretrained));
        assertEquals(List.of("inputs.baseModel is missing, but config.model.initFrom names a pretrained model"),
                EventValidator.problems(with(pretrained, "inputs.baseModel", null)));
        assertEquals(List.of("inputs.baseModel must be null when config.model.initFrom is not set"),
                EventValidator.problems(with(with(pretrained, "config.model.initFrom", null),
                        "config.pretraining.steps", 1)));
        assertEquals(List.of("inputs.baseModel.config.uri must be s3://<bucket>/models/" + configSha
                        + "/config.json, the file under its own digest, was 's3://collapse/models/a/config.json'"),
                EventValidator.problems(with(pretrained, "inputs.baseModel.config.uri",
                        "s3://collapse/models/a/config.json")));
        assertEquals(List.of("inputs.baseModel.weights is missing"),
                EventValidator.problems(with(pretrained, "inputs.baseModel.weights", null)));
    }

    @Test
    void aRunOfAGridNamesItsGroupAndItsSettingsInPlainCharacters() {
        RunRequested plain = Fixtures.runRequested();
        RunRequested ofGrid = RunRequested.of(plain.runId(), plain.occurredAt(), plain.producer(), plain.config(),
                plain.inputs(), new RunGroup("lr-grid-1", new LinkedHashMap<>(Map.of("lr", "3e-3"))));

        assertEquals(List.of(), EventValidator.problems(ofGrid));
        assertEquals(plain.eventId(), ofGrid.eventId(), "the group is not part of the run's identity");
        assertEquals(ofGrid, EventJson.readEvent(EventJson.toBytes(ofGrid)));
        assertTrue(!new String(EventJson.toBytes(plain), StandardCharsets.UTF_8).contains("\"group\""),
                "a run on its own writes no group, as events did before grids");
        assertEquals(List.of("group.id must match [a-z0-9][a-z0-9-]{0,62}, was 'Grid 1'"),
                EventValidator.problems(with(ofGrid, "group.id", "Grid 1")));
        assertEquals(List.of("group.settings is missing"),
                EventValidator.problems(with(ofGrid, "group.settings", null)));
        assertEquals(List.of("group.settings.lr must match [A-Za-z0-9.+_ -]{1,64}, was '<script>'"),
                EventValidator.problems(with(ofGrid, "group.settings.lr", "<script>")));
    }
}
