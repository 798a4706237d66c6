package io.collapselab.cli.audit;

import static io.collapselab.cli.audit.SyntheticLog.at;
import static io.collapselab.cli.audit.SyntheticLog.sha;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.cli.audit.Discrepancy.Kind;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.EvaluationCompleted;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.ProducerInfo;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.json.EventJson;
import io.collapselab.events.kafka.CloudEventHeaders;
import io.collapselab.events.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** {@link LogAnalysis} on logs made up record by record: what each kind of damage is reported as, and where. */
class LogAnalysisTest {

    private static final ProducerInfo TRAINER_2 = new ProducerInfo("trainer-service", "trainer-2", "0.1.0");

    private final SyntheticLog log = new SyntheticLog("audit-unit");

    @Test
    void aSoundRunWithAReEmittedEventHasNoDiscrepancies() {
        log.publishAll();
        CheckpointPublished original = log.checkpoint(1);
        log.publish(new CheckpointPublished(original.eventId(), original.schemaVersion(), original.runId(), 1,
                original.occurredAt().plusSeconds(30), TRAINER_2, original.checkpoint(), original.trainingState(),
                original.parentCheckpointSha256(), original.trainedOnSha256(), original.steps(),
                original.tokensSeen(), original.trainLoss(), original.wallMs()));

        LogAnalysis analysis = log.analyze();

        assertEquals(List.of(), analysis.discrepancies());
        assertEquals(1, analysis.identicalCopies());
        assertEquals(log.records().size(), analysis.records());
        assertEquals(List.of(0, 1, 2), analysis.log().generations().stream().map(RunLog.Generation::generation)
                .toList());
        assertTrue(analysis.log().generations().stream().allMatch(RunLog.Generation::isComplete));
        assertEquals(log.completed(), analysis.log().completion().orElseThrow());
    }

    @Test
    void aCopyWithAnotherDigestIsAConflictingDuplicateAndTheFirstCopyStaysInTheLineage() {
        log.publishAll();
        CheckpointPublished original = log.checkpoint(1);
        ConsumerRecord<String, byte[]> forged = log.publish(CheckpointPublished.of(log.runId, 1,
                original.occurredAt(), original.producer(), new ObjectRef(original.checkpoint().uri(),
                        sha("forged"), 100), original.trainingState(), original.parentCheckpointSha256(),
                                original.trainedOnSha256(),
                original.steps(), original.tokensSeen(), original.trainLoss(), original.wallMs()));

        LogAnalysis analysis = log.analyze();

        Discrepancy only = single(analysis);
        assertEquals(Kind.CONFLICTING_DUPLICATE, only.kind());
        assertEquals(1, only.generation());
        assertEquals(at(forged), only.location());
        assertTrue(only.message().contains("checkpoint.sha256 (\"" + log.checkpointSha(1) + "\" vs \""
                + sha("forged") + "\")"), only.message());
        assertEquals(original, analysis.log().generation(1).orElseThrow().checkpoint());
    }

    @Test
    void aMissingEventIsOneGapWithEveryReasonTheLogImpliesIt() {
        log.publishAll();
        log.remove(log.corpus(1));

        Discrepancy only = single(log.analyze());

        assertEquals(new Discrepancy(Kind.MISSING_EVENT, 1, null,
                "no CorpusGenerated of generation 1, though evaluation 1 measured it, and checkpoint 2 was trained"
                        + " on it, and the run completed at generation 2 (max-generations)"), only);
    }

    @Test
    void aCompletedRunMissingItsLastEvaluationHasAGap() {
        log.publishAll();
        log.remove(log.evaluation(2));

        assertEquals(new Discrepancy(Kind.MISSING_EVENT, 2, null,
                "no EvaluationCompleted of generation 2, though the run completed at generation 2 (max-generations)"),
                single(log.analyze()));
    }

    @Test
    void aRunningRunMayLackTheLaterEventsOfItsNewestGeneration() {
        log.publishUntilCompletion();
        log.remove(log.evaluation(2));
        log.remove(log.corpus(2));

        LogAnalysis analysis = log.analyze();

        assertEquals(List.of(), analysis.discrepancies());
        assertTrue(analysis.log().completion().isEmpty());
        assertTrue(!analysis.log().generation(2).orElseThrow().isComplete());
    }

    @Test
    void aCheckpointWithoutItsParentIsAGapEvenWhileRunning() {
        log.publishUntilCompletion();
        log.remove(log.checkpoint(1));

        LogAnalysis analysis = log.analyze();

        assertEquals(List.of(new Discrepancy(Kind.MISSING_EVENT, 1, null,
                "no CheckpointPublished of generation 1, though corpus 1 was sampled from it, and evaluation 1"
                        + " measured it, and checkpoint 2 names it as its parent")),
                analysis.discrepancies());
    }

    @Test
    void aWrongEventIdIsReportedOnceAndKeepsTheEventOutOfTheLineage() {
        log.publishUntilCompletion();
        EvaluationCompleted e = log.evaluation(2);
        log.remove(e);
        ConsumerRecord<String, byte[]> record = log.publish(Topics.EVALUATIONS, log.runId,
                EventJson.toBytes(new EvaluationCompleted(sha("some other id"), e.schemaVersion(), e.runId(), 2,
                        e.occurredAt(), e.producer(), e.heldoutLoss(), e.heldoutPerplexity(), e.heldoutMethod(),
                        e.heldoutTokens(), e.heldoutBitsPerByte(), e.heldoutWordPerplexity(), e.wholeTextLoss(),
                        e.wholeTextPerplexity(), e.wholeTextBitsPerByte(), e.wholeTextWordPerplexity(),
                        e.wholeTextTokens(), e.distinct1(), e.distinct2(), e.distinct3(), e.repetition(), e.entropy(),
                        e.tailMass(), e.unseenWordShare(), e.cycleLength(), e.sampleExcerpt(), e.collapsed(),
                        e.checkpointSha256(), e.corpusSha256())),
                new RecordHeaders());

        LogAnalysis analysis = log.analyze();

        Discrepancy only = single(analysis);
        assertEquals(Kind.WRONG_EVENT_ID, only.kind());
        assertEquals(2, only.generation());
        assertEquals(at(record), only.location());
        assertTrue(only.message().contains("the id of audit-unit|EvaluationCompleted|2 is " + e.eventId()),
                only.message());
        assertEquals(null, analysis.log().generation(2).orElseThrow().evaluation());
    }

    @Test
    void aRecordThatIsNoEventIsMalformed() {
        log.publishAll();
        ConsumerRecord<String, byte[]> record = log.publish(Topics.CORPORA, log.runId,
                "{not json".getBytes(StandardCharsets.UTF_8), new RecordHeaders());

        Discrepancy only = single(log.analyze());

        assertEquals(Kind.MALFORMED_RECORD, only.kind());
        assertEquals(null, only.generation());
        assertEquals(at(record), only.location());
        assertTrue(only.message().startsWith("not valid JSON"), only.message());
    }

    @Test
    void anEventOfTheRunUnderAnotherKeyAndAnotherRunsEventUnderItsKeyAreWronglyKeyed() {
        log.publishAll();
        SyntheticLog other = new SyntheticLog("other-run");
        CorpusGenerated corpus = log.corpus(1);
        ConsumerRecord<String, byte[]> underOtherKey = log.publish(Topics.CORPORA, "other-run", corpus);
        ConsumerRecord<String, byte[]> foreign = log.publish(Topics.CORPORA, log.runId, other.corpus(0));

        LogAnalysis analysis = log.analyze();

        assertEquals(List.of(Kind.WRONG_KEY, Kind.WRONG_KEY), kinds(analysis));
        assertEquals(at(underOtherKey), analysis.discrepancies().get(0).location());
        assertTrue(analysis.discrepancies().get(0).message().startsWith("CorpusGenerated(1) is keyed 'other-run'"),
                analysis.discrepancies().get(0).message());
        assertEquals(at(foreign), analysis.discrepancies().get(1).location());
        assertTrue(analysis.discrepancies().get(1).message().endsWith("holds CorpusGenerated(0) of run"
                + " 'other-run'"), analysis.discrepancies().get(1).message());
    }

    @Test
    void eventsAreCheckedAgainstTheRunsConfigAndTopic() {
        log.publishAll();
        CheckpointPublished beyondTheConfig = CheckpointPublished.of(log.runId, 3, SyntheticLog.START,
                SyntheticLog.TRAINER, new ObjectRef("s3://collapse/runs/audit-unit/gen-0003/checkpoint.bin",
                        sha("3"), 100), new ObjectRef("s3://collapse/runs/audit-unit/gen-0003/training-state.bin",
                                sha("3 state"), 100), log.checkpointSha(2), log.corpusSha(2), 1, 1, 1.0, 1);
        ConsumerRecord<String, byte[]> late = log.publish(beyondTheConfig);
        ConsumerRecord<String, byte[]> misplaced = log.publish(Topics.EVALUATIONS, log.runId, log.corpus(1));

        LogAnalysis analysis = log.analyze();

        assertEquals(List.of(Kind.INVALID_EVENT, Kind.INVALID_EVENT), kinds(analysis));
        Discrepancy first = analysis.discrepancies().get(0);
        assertEquals(at(misplaced), first.location());
        assertEquals("CorpusGenerated(1) was published on collapse.evaluations, but its type belongs on"
                + " collapse.corpora, where the services read it", first.message());
        Discrepancy second = analysis.discrepancies().get(1);
        assertEquals(at(late), second.location());
        assertEquals("CheckpointPublished(3): generation must be between 0 and 2, was 3", second.message());
    }

    @Test
    void headersThatContradictTheBodyMakeTheEventInvalid() {
        log.publishAll();
        CorpusGenerated corpus = log.corpus(1);
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(headers, corpus);
        headers.remove(CloudEventHeaders.SUBJECT);
        headers.add(CloudEventHeaders.SUBJECT, "someone-else".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<String, byte[]> record = log.publish(Topics.CORPORA, log.runId, EventJson.toBytes(corpus),
                headers);

        Discrepancy only = single(log.analyze());

        assertEquals(Kind.INVALID_EVENT, only.kind());
        assertEquals(at(record), only.location());
        assertTrue(only.message().contains("header ce_subject 'someone-else' does not match the event's runId"),
                only.message());
    }

    @Test
    void digestsThatDoNotChainAreLineageBreaksAtTheEventThatNamesThem() {
        log.publish(log.request());
        CheckpointPublished zero = log.checkpoint(0);
        ConsumerRecord<String, byte[]> zeroRecord = log.publish(CheckpointPublished.of(log.runId, 0,
                zero.occurredAt(), zero.producer(), zero.checkpoint(), zero.trainingState(), null, sha("other text"),
                        zero.steps(),
                zero.tokensSeen(), zero.trainLoss(), zero.wallMs()));
        log.publish(log.corpus(0));
        log.publish(log.evaluation(0));
        CheckpointPublished one = log.checkpoint(1);
        ConsumerRecord<String, byte[]> oneRecord = log.publish(CheckpointPublished.of(log.runId, 1,
                one.occurredAt(), one.producer(), one.checkpoint(), one.trainingState(), sha("a stranger"),
                        one.trainedOnSha256(),
                one.steps(), one.tokensSeen(), one.trainLoss(), one.wallMs()));
        CorpusGenerated c = log.corpus(1);
        ConsumerRecord<String, byte[]> corpusRecord = log.publish(CorpusGenerated.of(log.runId, 1,
                c.occurredAt(), c.producer(), c.corpus(), c.tokens(), c.tokenCount(), log.checkpointSha(0),
                c.sampling(), c.seed()));
        EvaluationCompleted e = log.evaluation(1);
        ConsumerRecord<String, byte[]> evaluationRecord = log.publish(EvaluationCompleted.of(log.runId, 1,
                e.occurredAt(), e.producer(), new EvaluationCompleted.Metrics(e.heldoutLoss(), e.heldoutPerplexity(),
                        e.heldoutMethod(), e.heldoutTokens(), e.heldoutBitsPerByte(), e.heldoutWordPerplexity(),
                        e.wholeTextLoss(), e.wholeTextPerplexity(), e.wholeTextBitsPerByte(),
                        e.wholeTextWordPerplexity(), e.wholeTextTokens(), e.distinct1(), e.distinct2(), e.distinct3(),
                        e.repetition(), e.entropy(), e.tailMass(), e.unseenWordShare(), e.cycleLength()),
                e.sampleExcerpt(), e.collapsed(), e.checkpointSha256(),
                log.corpusSha(0)));

        LogAnalysis analysis = log.analyze();

        assertEquals(List.of(
                new Discrepancy(Kind.LINEAGE_BREAK, 0, at(zeroRecord), "CheckpointPublished(0) was trained on "
                        + sha("other text") + ", but the run's training text is " + log.trainSha()),
                new Discrepancy(Kind.LINEAGE_BREAK, 1, at(oneRecord), "CheckpointPublished(1) names parent"
                        + " checkpoint " + sha("a stranger") + ", but checkpoint 0 is " + log.checkpointSha(0)),
                new Discrepancy(Kind.LINEAGE_BREAK, 1, at(corpusRecord), "CorpusGenerated(1) was sampled from"
                        + " checkpoint " + log.checkpointSha(0) + ", but checkpoint 1 is " + log.checkpointSha(1)),
                new Discrepancy(Kind.LINEAGE_BREAK, 1, at(evaluationRecord), "EvaluationCompleted(1) measured"
                        + " corpus " + log.corpusSha(0) + ", but corpus 1 is " + log.corpusSha(1))),
                analysis.discrepancies());
    }

    @Test
    void underReplaceACheckpointMustBeTrainedOnThePreviousCorpus() {
        log.publish(log.request());
        log.publish(log.checkpoint(0));
        log.publish(log.corpus(0));
        CheckpointPublished one = log.checkpoint(1);
        ConsumerRecord<String, byte[]> record = log.publish(CheckpointPublished.of(log.runId, 1,
                one.occurredAt(), one.producer(), one.checkpoint(), one.trainingState(), one.parentCheckpointSha256(),
                        log.trainSha(),
                one.steps(), one.tokensSeen(), one.trainLoss(), one.wallMs()));

        assertEquals(new Discrepancy(Kind.LINEAGE_BREAK, 1, at(record), "CheckpointPublished(1) was trained on "
                        + log.trainSha() + ", but under the replace policy it trains on corpus 0, which is "
                        + log.corpusSha(0)), single(log.analyze()));
    }

    @Test
    void aDeadLetterOfAReportedRecordIsNotedThereAndOneOfASoundRecordIsADiscrepancy() {
        log.publishAll();
        ConsumerRecord<String, byte[]> malformed = log.publish(Topics.CORPORA, log.runId,
                "{not json".getBytes(StandardCharsets.UTF_8), new RecordHeaders());
        ConsumerRecord<String, byte[]> sound = log.records().stream()
                .filter(r -> r.topic().equals(Topics.CORPORA)).findFirst().orElseThrow();
        ProducerInfo trainer = SyntheticLog.TRAINER;
        log.publish(Topics.DEAD_LETTER, log.runId, EventJson.toBytes(DeadLetter.of("not valid JSON",
                malformed.topic(), malformed.partition(), malformed.offset(), log.runId, malformed.value(), trainer,
                SyntheticLog.START)), new RecordHeaders());
        ConsumerRecord<String, byte[]> refusal = log.publish(Topics.DEAD_LETTER, log.runId,
                EventJson.toBytes(DeadLetter.of("checkpoint 0 is missing", sound.topic(), sound.partition(),
                        sound.offset(), log.runId, sound.value(), trainer, SyntheticLog.START)), new RecordHeaders());

        LogAnalysis analysis = log.analyze();

        assertEquals(2, analysis.deadLetters());
        assertEquals(List.of(Kind.MALFORMED_RECORD, Kind.REFUSED_RECORD), kinds(analysis));
        assertTrue(analysis.discrepancies().get(0).message().endsWith("; trainer-service refused it (dead letter "
                + Topics.DEAD_LETTER + "-3@0)"), analysis.discrepancies().get(0).message());
        assertEquals(new Discrepancy(Kind.REFUSED_RECORD, 0, at(refusal), "trainer-service refused the record at "
                + at(sound) + " (CorpusGenerated(0)): checkpoint 0 is missing"), analysis.discrepancies().get(1));
    }

    @Test
    void aSecondCompletionConflictsWithTheFirst() {
        log.publishAll();
        ConsumerRecord<String, byte[]> second = log.publish(RunCompleted.of(log.runId, 1, SyntheticLog.START,
                SyntheticLog.EVALUATOR, RunCompleted.Reason.CANCELLED, "by hand", 1));

        Discrepancy only = single(log.analyze());

        assertEquals(Kind.CONFLICTING_DUPLICATE, only.kind());
        assertEquals(at(second), only.location());
        assertTrue(only.message().startsWith("a second RunCompleted (generation 1, cancelled) after the one at "
                + Topics.RUNS + "-3@1 (generation 2, max-generations)"), only.message());
    }

    @Test
    void eventsWithoutARunRequestedLackTheRequest() {
        log.publishAll();
        log.remove(log.request());

        Discrepancy only = single(log.analyze());

        assertEquals(Kind.MISSING_EVENT, only.kind());
        assertEquals(null, only.generation());
        assertTrue(only.message().startsWith("no sound RunRequested of the run in collapse.runs"), only.message());
    }

    private static Discrepancy single(LogAnalysis analysis) {
        assertEquals(1, analysis.discrepancies().size(), analysis.discrepancies().toString());
        return analysis.discrepancies().get(0);
    }

    private static List<Kind> kinds(LogAnalysis analysis) {
        return analysis.discrepancies().stream().map(Discrepancy::kind).toList();
    }
}
