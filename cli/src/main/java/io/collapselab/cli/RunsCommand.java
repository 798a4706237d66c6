package io.collapselab.cli;

import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.lm.loop.GenerationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code collapse runs}: every run in the event log, one line each. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "Lists the runs in the event log: id, status, generation reached, latest held-out perplexity, "
                + "when it started, and why it ended.")
final class RunsCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Mixin
    StateOptions state;

    @Option(names = "--group", paramLabel = "ID", description = "Only the runs of this grid (see --sweep and --seeds "
            + "of submit and demo).")
    String group;

    @Override
    public Integer call() {
        ClusterOptions.Cluster target = cluster.resolve(state.processes());
        Map<String, RunLog> runs;
        try (RunObserver observer = new RunObserver(target.bootstrapServers())) {
            runs = observer.readAll(Duration.ofSeconds(60));
        }
        System.out.printf(Locale.ROOT, "%-36s %-18s %10s %12s  %-20s %s%n", "run", "status", "generation",
                "perplexity", "started", "reason");
        for (RunLog log : runs.values()) {
            if (group != null && !log.inGroup(group)) {
                continue;
            }
            List<GenerationReport> reports = log.reports();
            GenerationReport latest = reports.isEmpty() ? null : reports.get(reports.size() - 1);
            String started = log.request().map(r -> r.occurredAt().toString().replaceFirst("\\.\\d+Z$", "Z"))
                    .orElse("-");
            String status = log.completion().isPresent() ? "completed" : log.request().isPresent() ? "running"
                    : "unknown";
            String reason = log.completion().map(c -> c.reason().wireName()
                    + (c.detail() == null || c.detail().isBlank() ? "" : ": " + c.detail())).orElse("-");
            System.out.printf(Locale.ROOT, "%-36s %-18s %10s %12s  %-20s %s%n", log.runId(), status,
                    latest == null ? "-" : Integer.toString(latest.generation()),
                    latest == null ? "-" : String.format(Locale.ROOT, "%.3f", latest.heldoutPerplexity()), started,
                    reason);
        }
        if (runs.isEmpty()) {
            System.out.println("(no runs yet; submit one with ./collapse submit or ./collapse demo)");
        } else if (group != null && runs.values().stream().noneMatch(log -> log.inGroup(group))) {
            System.out.println("(no runs in group " + group + ")");
        }
        return CollapseMain.OK;
    }
}
