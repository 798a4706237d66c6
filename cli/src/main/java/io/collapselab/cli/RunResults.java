package io.collapselab.cli;

import io.collapselab.cli.runs.RunListener;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.cli.runs.RunTimeoutException;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.kafka.KafkaRole;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Waits for submitted runs with live progress, then prints and writes what they measured. */
final class RunResults {

    private RunResults() {
    }

    /** How long no event may arrive before the watcher says why nothing moves. */
    static final Duration STALL_AFTER = Duration.ofMinutes(2);
    private static final Duration STALL_CHECK = Duration.ofSeconds(10);

    /**
     * Follows the runs until each has completed, or fails after {@code timeout} naming what is missing. When no event
     * arrives for {@link #STALL_AFTER}, says so with what {@code diagnose} finds wrong with the services.
     */
    static Map<String, RunLog> follow(ClusterOptions.Cluster cluster, List<String> runIds, Duration timeout,
                                      PrintStream progressOut, Supplier<List<String>> diagnose) {
        return follow(cluster, runIds, timeout, progressOut, diagnose, RunListener.NONE);
    }

    /** {@link #follow(ClusterOptions.Cluster, List, Duration, PrintStream, Supplier)}, telling {@code listener} too. */
    static Map<String, RunLog> follow(ClusterOptions.Cluster cluster, List<String> runIds, Duration timeout,
                                      PrintStream progressOut, Supplier<List<String>> diagnose,
                                      RunListener listener) {
        RunProgress progress = new RunProgress(progressOut, runIds);
        StallWatch stall = new StallWatch(STALL_AFTER, diagnose, progress::note, System::nanoTime);
        RunListener moved = new RunListener() {
            @Override
            public void onEvent(CollapseEvent event) {
                stall.moved();
            }
        };
        ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "stall-watch");
            thread.setDaemon(true);
            return thread;
        });
        checks.scheduleWithFixedDelay(stall::check, STALL_CHECK.toSeconds(), STALL_CHECK.toSeconds(),
                TimeUnit.SECONDS);
        try (RunObserver observer = new RunObserver(cluster.kafka(KafkaRole.AUDITOR))) {
            Map<String, RunLog> logs = observer.awaitCompletion(runIds, timeout,
                    runId -> RunListener.both(RunListener.both(progress.listenerFor(runId), moved), listener));
            logs.forEach((id, log) -> progress.finish(id, log.status()));
            return logs;
        } catch (RunTimeoutException e) {
            throw new IllegalStateException("runs " + String.join(", ", runIds) + " did not complete within "
                    + timeout.toMinutes() + " min (" + e.getMessage() + ")", e);
        } finally {
            checks.shutdownNow();
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
            if (log.isContested()) {
                out.println("run " + summary.runId() + ": its log holds conflicting events, so the table stops "
                        + "before the first generation in doubt; 'collapse audit " + summary.runId()
                        + "' says what conflicts");
            }
            failed |= "failed".equals(summary.status()) || "cancelled".equals(summary.status())
                    || RunLog.CONTESTED.equals(summary.status());
        }
        json.write(summaries.size() == 1 ? summaries.get(0) : summaries);
        return failed ? CollapseMain.FAILED : CollapseMain.OK;
    }
}
