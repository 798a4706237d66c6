package io.collapselab.cli;

import io.collapselab.cli.runs.RunListener;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.cli.runs.RunTimeoutException;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Waits for submitted runs with live progress, then prints and writes what they measured. */
final class RunResults {

    private RunResults() {
    }

    /** Follows the runs until each has completed, or fails after {@code timeout} naming what is missing. */
    static Map<String, RunLog> follow(ClusterOptions.Cluster cluster, List<String> runIds, Duration timeout,
                                      PrintStream progressOut) {
        return follow(cluster, runIds, timeout, progressOut, RunListener.NONE);
    }

    /** {@link #follow(ClusterOptions.Cluster, List, Duration, PrintStream)}, telling {@code listener} too. */
    static Map<String, RunLog> follow(ClusterOptions.Cluster cluster, List<String> runIds, Duration timeout,
                                      PrintStream progressOut, RunListener listener) {
        RunProgress progress = new RunProgress(progressOut, runIds);
        try (RunObserver observer = new RunObserver(cluster.bootstrapServers())) {
            Map<String, RunLog> logs = observer.awaitCompletion(runIds, timeout,
                    runId -> RunListener.both(progress.listenerFor(runId), listener));
            logs.forEach((id, log) -> progress.finish(id, log.status()));
            return logs;
        } catch (RunTimeoutException e) {
            throw new IllegalStateException("runs " + String.join(", ", runIds) + " did not complete within "
                    + timeout.toMinutes() + " min (" + e.getMessage() + ")", e);
        }
    }

    /** Prints each run's table and writes the JSON (one run: the run's summary; several: a list of them). */
    static int report(Map<String, RunLog> logs, JsonOutput json) {
        PrintStream out = json.forPeople();
        List<RunJson> summaries = new ArrayList<>();
        boolean failed = false;
        for (RunLog log : logs.values()) {
            RunJson summary = log.summary();
            summaries.add(summary);
            out.println("run " + summary.runId() + ": " + summary.status()
                    + log.completion().map(c -> c.detail() == null || c.detail().isBlank() ? ""
                    : " (" + c.detail() + ")").orElse(""));
            GenerationTable.print(out, summary.generations());
            failed |= "failed".equals(summary.status()) || "cancelled".equals(summary.status());
        }
        json.write(summaries.size() == 1 ? summaries.get(0) : summaries);
        return failed ? CollapseMain.FAILED : CollapseMain.OK;
    }
}
