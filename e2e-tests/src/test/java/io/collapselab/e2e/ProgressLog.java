package io.collapselab.e2e;

import io.collapselab.cli.runs.RunListener;
import io.collapselab.lm.loop.GenerationReport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each generation of a run as the pipeline completes it, and remembers the order they came in. */
final class ProgressLog implements RunListener {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);

    private final String runId;
    private final List<Integer> generations = Collections.synchronizedList(new ArrayList<>());

    ProgressLog(String runId) {
        this.runId = runId;
    }

    @Override
    public void onGeneration(GenerationReport report) {
        generations.add(report.generation());
        LOG.info("{}: generation {} done after {} ms: held-out perplexity {}, distinct-2 {}", runId,
                report.generation(), report.wallMs(), report.heldoutPerplexity(), report.distinct2());
    }

    /** The generations reported so far, in the order they were reported. */
    List<Integer> generations() {
        return List.copyOf(generations);
    }
}
