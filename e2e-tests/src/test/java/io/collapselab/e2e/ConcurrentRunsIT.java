package io.collapselab.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.collapselab.cli.RunJson;
import io.collapselab.cli.runs.RunIds;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.experiment.ExperimentConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs in flight at once. Two with different seeds: both complete, each with its own lineage, and the first
 * computes exactly what it computes alone, so the services kept the runs apart. Thirty tiny ones submitted
 * together: all complete, each exactly once, and nothing is dead-lettered.
 */
class ConcurrentRunsIT {

    private static final int LOAD_RUNS = 30;
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(10);

    @RegisterExtension
    static PipelineExtension extension = new PipelineExtension();

    @Test
    void twoRunsSubmittedTogetherBothCompleteEachWithItsOwnLineage(Pipeline pipeline) {
        ExperimentConfig first = Experiments.SMOKE;
        ExperimentConfig second = first.withSeed(first.seed() + 1);
        Experiments.Texts texts = Experiments.texts();
        String firstId = RunIds.fresh("e2e-concurrent-a");
        String secondId = RunIds.fresh("e2e-concurrent-b");
        CompletableFuture<RunJson> reference = Experiments.startReference(first);

        pipeline.submitter().submit(firstId, first, texts.train(), texts.heldout());
        pipeline.submitter().submit(secondId, second, texts.train(), texts.heldout());
        RunLog firstLog;
        RunLog secondLog;
        try (RunObserver observer = pipeline.observer()) {
            firstLog = observer.awaitCompletion(firstId, PipelineIT.RUN_TIMEOUT, new ProgressLog(firstId));
            secondLog = observer.awaitCompletion(secondId, PipelineIT.RUN_TIMEOUT, new ProgressLog(secondId));
        }

        assertNotEquals(firstId, secondId);
        for (RunLog log : List.of(firstLog, secondLog)) {
            RunChecks.assertExactlyOnce(log, first.generations());
            RunChecks.assertLineage(log);
            RunChecks.assertObjectsVerify(log, pipeline.store());
            RunChecks.assertOrderedPerRun(log);
        }
        Set<String> shared = new HashSet<>(digests(firstLog));
        shared.retainAll(digests(secondLog));
        assertEquals(Set.of(), shared, "two seeds, two lineages: no checkpoint or corpus in common");
        RunChecks.assertSameAsReference(firstLog, reference.join());
    }

    /**
     * The load of many users at once, within a minute or two on two cores: thirty runs of one generation of a
     * smaller smoke model, each with its own seed, submitted back to back.
     */
    @Test
    void thirtyRunsSubmittedTogetherAllCompleteExactlyOnceWithoutDeadLetters(Pipeline pipeline) {
        ExperimentConfig tiny = tiny(Experiments.SMOKE);
        Experiments.Texts texts = Experiments.texts();
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < LOAD_RUNS; i++) {
            String runId = RunIds.fresh("e2e-load-" + i);
            pipeline.submitter().submit(runId, tiny.withSeed(tiny.seed() + i), texts.train(), texts.heldout());
            runIds.add(runId);
        }
        Map<String, RunLog> logs;
        try (RunObserver observer = pipeline.observer()) {
            logs = observer.awaitCompletion(runIds, LOAD_TIMEOUT, ProgressLog::new);
        }

        assertEquals(Set.copyOf(runIds), logs.keySet());
        for (RunLog log : logs.values()) {
            RunChecks.assertExactlyOnce(log, tiny.generations());
            RunChecks.assertLineage(log);
            RunChecks.assertObjectsVerify(log, pipeline.store());
            RunChecks.assertOrderedPerRun(log);
        }
        assertEquals(List.of(), RunChecks.deadLetters(pipeline.bootstrapServers()), "dead letters");
    }

    /** Generation 0 only, a shorter pre-training, a smaller corpus and held-out text: about a second of work. */
    private static ExperimentConfig tiny(ExperimentConfig smoke) {
        EvaluationSettings e = smoke.evaluation();
        return smoke.withName("smoke-tiny")
                .withGenerations(0)
                .withPretraining(smoke.pretraining().withSteps(10))
                .withSampling(smoke.sampling().withTokensPerGeneration(256))
                .withEvaluation(new EvaluationSettings(2_048, e.batchSize(), e.tailQuantile(), e.excerptChars(),
                        e.heldout(), e.heldoutWindows(), e.wholeTextEvery()))
                .validated();
    }

    private static List<String> digests(RunLog log) {
        return log.reports().stream()
                .flatMap(report -> Stream.of(report.checkpointSha256(), report.corpusSha256()))
                .toList();
    }
}
