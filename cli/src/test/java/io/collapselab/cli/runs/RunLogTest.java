package io.collapselab.cli.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.cli.RunJson;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.ProducerInfo;
import io.collapselab.events.RunCompleted;
import io.collapselab.lm.loop.GenerationReport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RunLogTest {

    private final Lineage run = new Lineage("r1");
    private long offset;

    @Test
    void assemblesTheSummaryOfCollapseLoopFromEventsReadInAnyOrder() {
        List<CollapseEvent> events = new ArrayList<>(run.all());
        Collections.shuffle(events, new Random(3));
        RunLog log = new RunLog("r1");
        events.forEach(event -> add(log, event));

        RunJson summary = log.summary();

        assertEquals("r1", summary.runId());
        assertEquals("max-generations", summary.status());
        assertEquals(Lineage.CONFIG, summary.config());
        assertEquals(3, summary.generations().size());
        GenerationReport first = summary.generations().get(0);
        assertEquals(new GenerationReport(0, 2.5, 2.0, Math.exp(2.0), "whole", Lineage.HELDOUT_TOKENS,
                Lineage.BITS_PER_BYTE, Lineage.WORD_PERPLEXITY, 2.0, Math.exp(2.0), Lineage.BITS_PER_BYTE,
                Lineage.WORD_PERPLEXITY, Lineage.HELDOUT_TOKENS, 0.5, 0.8, 0.9, 0.0, 7.0, 0.05,
                Lineage.UNSEEN_WORD_SHARE, 0, run.checkpointSha(0), run.corpusSha(0), "excerpt of generation 0", 3_000,
                false), first);
        GenerationReport last = summary.generations().get(2);
        assertEquals(2, last.generation());
        assertEquals(2.0, last.trainLoss());
        assertEquals(3.0, last.heldoutLoss());
        assertEquals(2, last.cycleLength());
        assertEquals(run.checkpointSha(2), last.checkpointSha256());
        assertEquals(run.corpusSha(2), last.corpusSha256());
        assertEquals(10_000, last.wallMs(), "time between the evaluations of generations 1 and 2");
        assertTrue(log.isComplete());
        assertEquals(List.of(), log.problems());
        assertFalse(log.isContested());
    }

    @Test
    void aRunIsCompleteOnlyOnceEveryGenerationUpToTheLastHasBeenRead() {
        RunLog log = new RunLog("r1");
        run.all().stream().filter(event -> !event.equals(run.evaluation(2))).forEach(event -> add(log, event));

        assertFalse(log.isComplete(), "RunCompleted arrived before the last evaluation was read");
        assertEquals(2, log.reports().size());
        assertEquals("max-generations", log.status());

        add(log, run.evaluation(2));
        assertTrue(log.isComplete());
    }

    @Test
    void aFailedRunIsCompleteWithoutGenerations() {
        RunLog log = new RunLog("r1");
        add(log, run.request());
        add(log, RunCompleted.of("r1", 0, Lineage.START.plusSeconds(1), Lineage.TRAINER,
                RunCompleted.Reason.FAILED, "training text too short", null));

        assertTrue(log.isComplete());
        assertEquals("failed", log.summary().status());
        assertEquals(List.of(), log.summary().generations());
        assertTrue(log.describe().contains("failed (training text too short)"), log.describe());
    }

    @Test
    void aRunningRunSummarisesTheGenerationsSoFar() {
        RunLog log = new RunLog("r1");
        run.withoutCompletion().stream().limit(6).forEach(event -> add(log, event));

        assertEquals(RunLog.RUNNING, log.summary().status());
        assertEquals(1, log.summary().generations().size());
        assertFalse(log.isComplete());
        assertTrue(log.describe().contains("generation 1: checkpoint, corpus"), log.describe());
        assertTrue(log.describe().contains("no RunCompleted read"), log.describe());
    }

    @Test
    void aGenerationIsReportedOnlyOnceThePreviousEvaluationIsKnown() {
        RunLog log = new RunLog("r1");
        add(log, run.request());
        add(log, run.checkpoint(1));
        add(log, run.corpus(1));
        add(log, run.evaluation(1));

        assertTrue(log.report(1).isEmpty(), "its wall time needs generation 0's evaluation");
        assertTrue(log.generation(1).orElseThrow().isComplete());
        assertEquals(List.of(), log.reports());
    }

    @Test
    void reEmittedCopiesAreRecordsButNotProblems() {
        RunLog log = new RunLog("r1");
        run.all().forEach(event -> add(log, event));
        CheckpointPublished original = run.checkpoint(1);
        CheckpointPublished reEmitted = new CheckpointPublished(original.eventId(), original.schemaVersion(),
                "r1", 1, original.occurredAt().plusSeconds(60),
                new ProducerInfo("trainer-service", "trainer-2", "0.1.0"), original.checkpoint(),
                original.trainingState(), original.parentCheckpointSha256(), original.trainedOnSha256(),
                original.steps(), original.tokensSeen(), original.trainLoss(), original.wallMs());

        assertEquals(new RunLog.Addition.IdenticalCopy(), add(log, reEmitted), "a copy is not a new event");

        assertEquals(run.all().size() + 1, log.entries().size());
        assertEquals(original, log.generation(1).orElseThrow().checkpoint(), "the first copy read counts");
        assertEquals(List.of(), log.problems());
    }

    @Test
    void aCopyWithOtherContentIsAProblem() {
        RunLog log = new RunLog("r1");
        run.all().forEach(event -> add(log, event));
        CorpusGenerated original = run.corpus(0);
        CorpusGenerated other = new CorpusGenerated(original.eventId(), original.schemaVersion(), "r1", 0,
                original.occurredAt(), original.producer(),
                new ObjectRef(original.corpus().uri(), Lineage.sha("other text"), 100), original.tokens(),
                original.tokenCount(),
                original.checkpointSha256(), original.sampling(), original.seed());

        RunLog.Addition addition = add(log, other);

        assertTrue(addition instanceof RunLog.Addition.Conflict, addition.toString());
        List<String> problems = log.problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("CorpusGenerated(0) differs from its first copy"), problems.get(0));
        assertTrue(problems.get(0).contains("corpus.sha256 (\"" + run.corpusSha(0) + "\" vs \""
                + Lineage.sha("other text") + "\")"), problems.get(0));
        assertEquals(original, log.generation(0).orElseThrow().corpus(), "the first copy read counts");
        assertEquals(RunLog.CONTESTED, log.status(), "a forged copy is not shown as a result");
        assertTrue(log.isContested());
        assertEquals(List.of(), log.reports(), "nothing from the generation in doubt on");
        assertTrue(log.isComplete(), "waiting does not settle a conflict");
    }

    @Test
    void aSecondCompletionIsAProblemAndTheFirstCounts() {
        RunLog log = new RunLog("r1");
        run.all().forEach(event -> add(log, event));
        RunCompleted second = RunCompleted.of("r1", 1, Lineage.START.plusSeconds(40), Lineage.EVALUATOR,
                RunCompleted.Reason.CANCELLED, "by hand", 1);

        assertTrue(add(log, second) instanceof RunLog.Addition.Conflict, "a run ends once");

        assertEquals(run.completed(), log.completion().orElseThrow());
        assertEquals(RunLog.CONTESTED, log.status(), "which end is true cannot be told from the log");
        assertEquals(3, log.reports().size(), "the generations themselves are not in doubt");
        List<String> problems = log.problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).endsWith(": a second RunCompleted (generation 1, cancelled) after the one at"
                + " topic-0@" + (run.all().size() - 1) + " (generation 2, max-generations)"), problems.get(0));
    }

    @Test
    void brokenLineageIsReportedPerGeneration() {
        RunLog log = new RunLog("r1");
        CheckpointPublished wrongParent = CheckpointPublished.of("r1", 1, Lineage.START.plusSeconds(11),
                Lineage.TRAINER, run.checkpoint(1).checkpoint(), run.checkpoint(1).trainingState(),
                Lineage.sha("someone else's checkpoint"),
                run.corpusSha(0), 15, 3_840, 2.25, 400);
        CorpusGenerated wrongSource = CorpusGenerated.of("r1", 2, Lineage.START.plusSeconds(22),
                Lineage.GENERATOR, run.corpus(2).corpus(), run.corpus(2).tokens(), 1024, run.checkpointSha(1),
                run.config.sampling(), 9);
        run.all().stream()
                .map(event -> event.equals(run.checkpoint(1)) ? wrongParent : event)
                .map(event -> event.equals(run.corpus(2)) ? wrongSource : event)
                .forEach(event -> add(log, event));

        List<String> problems = log.problems();

        assertEquals(2, problems.size(), problems.toString());
        assertEquals("CheckpointPublished(1) names parent checkpoint " + Lineage.sha("someone else's checkpoint")
                + ", but checkpoint 0 is " + run.checkpointSha(0), problems.get(0));
        assertEquals("CorpusGenerated(2) was sampled from checkpoint " + run.checkpointSha(1) + ", but checkpoint 2"
                + " is " + run.checkpointSha(2), problems.get(1));
        assertEquals(List.of(wrongParent, wrongSource), log.lineageBreaks().stream().map(LineageBreak::event)
                .toList(), "each break is reported at the event that names the wrong digest");
        assertEquals(1, log.reports().size(), "the views stop before the first generation whose digests break");
        assertEquals(RunLog.CONTESTED, log.status());
    }

    @Test
    void eventsBeyondTheConfiguredGenerationsAreProblems() {
        RunLog log = new RunLog("r1");
        run.all().forEach(event -> add(log, event));
        add(log, CheckpointPublished.of("r1", 3, Lineage.START.plusSeconds(31), Lineage.TRAINER,
                new ObjectRef("s3://collapse/runs/r1/gen-0003/checkpoint.bin", Lineage.sha("3"), 100),
                        new ObjectRef("s3://collapse/runs/r1/gen-0003/training-state.bin", Lineage.sha("3 state"), 100),
                run.checkpointSha(2), run.corpusSha(2), 15, 3_840, 1.5, 400));

        List<String> problems = log.problems();

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("CheckpointPublished(3): generation"), problems.get(0));
    }

    @Test
    void invalidRecordsAreProblems() {
        RunLog log = new RunLog("r1");
        log.addInvalid(new RecordLocation("collapse.checkpoints", 4, 17), "not valid JSON: unexpected character");

        assertEquals(List.of("collapse.checkpoints-4@17: not valid JSON: unexpected character"), log.problems());
    }

    @Test
    void thereIsNoSummaryWithoutTheRequest() {
        RunLog log = new RunLog("r1");
        add(log, run.checkpoint(0));

        IllegalStateException e = assertThrows(IllegalStateException.class, log::summary);
        assertTrue(e.getMessage().contains("no RunRequested of run 'r1'"), e.getMessage());
    }

    @Test
    void refusesEventsOfAnotherRun() {
        RunLog log = new RunLog("r1");
        assertThrows(IllegalArgumentException.class, () -> add(log, new Lineage("r2").request()));
    }

    private RunLog.Addition add(RunLog log, CollapseEvent event) {
        return log.add(new RunLog.Entry(new RecordLocation("topic", 0, offset++), event));
    }
}
