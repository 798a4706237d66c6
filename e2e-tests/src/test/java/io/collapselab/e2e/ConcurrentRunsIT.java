package io.collapselab.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.collapselab.cli.RunJson;
import io.collapselab.cli.runs.RunIds;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.experiment.ExperimentConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two runs in flight at once, with different seeds: both complete, each with its own lineage, and the first
 * computes exactly what it computes alone, so the services kept the runs apart.
 */
class ConcurrentRunsIT {

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

    private static List<String> digests(RunLog log) {
        return log.reports().stream()
                .flatMap(report -> Stream.of(report.checkpointSha256(), report.corpusSha256()))
                .toList();
    }
}
