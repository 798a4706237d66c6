package io.collapselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.collapselab.cli.PipelineBenchCommand.Meters;
import io.collapselab.cli.PipelineBenchCommand.PipelineFigures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading the services' Prometheus timers and averaging runs; the measuring itself runs in e2e-tests. */
class PipelineBenchCommandTest {

    private static final String BEFORE = """
            # HELP collapse_generation_duration_seconds Wall time of handling one event of a run
            # TYPE collapse_generation_duration_seconds summary
            collapse_generation_duration_seconds_count{event="CorpusGenerated"} 2
            collapse_generation_duration_seconds_sum{event="CorpusGenerated"} 3.0
            collapse_generation_duration_seconds_max{event="CorpusGenerated"} 1.8
            collapse_pipeline_overhead_seconds_count{event="CorpusGenerated"} 2
            collapse_pipeline_overhead_seconds_sum{event="CorpusGenerated"} 0.25
            collapse_generation_duration_seconds_count{event="RunRequested"} 1
            collapse_generation_duration_seconds_sum{event="RunRequested"} 12.5
            collapse_events_consumed_total{channel="corpora",type="CorpusGenerated"} 2.0
            """;
    private static final String AFTER = """
            collapse_generation_duration_seconds_count{event="CorpusGenerated"} 5
            collapse_generation_duration_seconds_sum{event="CorpusGenerated"} 7.5
            collapse_pipeline_overhead_seconds_count{event="CorpusGenerated"} 5
            collapse_pipeline_overhead_seconds_sum{event="CorpusGenerated"} 0.55
            collapse_generation_duration_seconds_count{event="RunRequested"} 1
            collapse_generation_duration_seconds_sum{event="RunRequested"} 12.5
            """;

    @Test
    void theDifferenceOfTwoReadingsGivesTheEventsHandledInBetween() {
        Meters between = Meters.parse(AFTER).minus(Meters.parse(BEFORE));

        assertEquals(3, between.count("CorpusGenerated"), 1e-9);
        assertEquals(4500, between.durationMs("CorpusGenerated"), 1e-6);
        assertEquals(300, between.overheadMs("CorpusGenerated"), 1e-6);
        assertEquals(4200, between.computeMs("CorpusGenerated"), 1e-6);
        assertEquals(0, between.count("RunRequested"), 1e-9);
        assertEquals(0, between.count("CheckpointPublished"), 1e-9);
    }

    @Test
    void theMeanShareIsThatOfTheMeanOverheadInTheMeanWallTime() {
        PipelineFigures fast = new PipelineFigures("a", 7, 1000, 300, 600, 100, 0.1, 40, 50, 10, 400);
        PipelineFigures slow = new PipelineFigures("b", 7, 3000, 900, 1800, 300, 0.1, 120, 150, 30, 1200);

        PipelineFigures mean = PipelineFigures.mean(List.of(fast, slow));

        assertEquals(new PipelineFigures("mean", 14, 2000, 600, 1200, 200, 0.1, 80, 100, 20, 800), mean);
    }
}
