package io.collapselab.cli;

import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.lm.loop.GenerationReport;
import io.collapselab.events.kafka.KafkaRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code collapse runs}: every run in the event log, one line each. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "Lists the runs in the event log: id, status, generation reached, latest held-out perplexity, "
                + "when it started, and why it ended; --json gives the same as a JSON list.")
final class RunsCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Mixin
    StateOptions state;

    @Option(names = "--group", paramLabel = "ID", description = "Only the runs of this grid (see --sweep and --seeds "
            + "of submit and demo).")
    String group;

    @Mixin
    JsonOutput json;

    /** One run as {@code --json} gives it; generation and perplexity are null before the first evaluation. */
    record RunRow(String runId, String status, Integer generation, Double heldoutPerplexity, String started,
                  String reason) {
    }

    @Override
    public Integer call() {
        ClusterOptions.Cluster target = cluster.resolve(state.processes());
        Map<String, RunLog> runs;
        try (RunObserver observer = new RunObserver(target.kafka(KafkaRole.AUDITOR))) {
            runs = observer.readAll(Duration.ofSeconds(60));
        }
        List<RunRow> rows = runs.values().stream().filter(log -> group == null || log.inGroup(group))
                .map(RunsCommand::row).toList();
        PrintStream out = json.forPeople();
        out.printf(Locale.ROOT, "%-36s %-18s %10s %12s  %-20s %s%n", "run", "status", "generation", "perplexity",
                "started", "reason");
        for (RunRow row : rows) {
            out.printf(Locale.ROOT, "%-36s %-18s %10s %12s  %-20s %s%n", row.runId(), row.status(),
                    row.generation() == null ? "-" : row.generation().toString(),
                    row.heldoutPerplexity() == null ? "-"
                            : String.format(Locale.ROOT, "%.3f", row.heldoutPerplexity()),
                    row.started() == null ? "-" : row.started(), row.reason() == null ? "-" : row.reason());
        }
        if (runs.isEmpty()) {
            out.println("(no runs yet; submit one with ./collapse submit or ./collapse demo)");
        } else if (rows.isEmpty()) {
            out.println("(no runs in group " + group + ")");
        }
        json.write(rows);
        return CollapseMain.OK;
    }

    private static RunRow row(RunLog log) {
        List<GenerationReport> reports = log.reports();
        GenerationReport latest = reports.isEmpty() ? null : reports.get(reports.size() - 1);
        String started = log.request().map(r -> r.occurredAt().toString().replaceFirst("\\.\\d+Z$", "Z"))
                .orElse(null);
        String status = log.isContested() ? RunLog.CONTESTED : log.completion().isPresent() ? "completed"
                : log.request().isPresent() ? "running" : "unknown";
        String reason = log.completion().map(c -> c.reason().wireName()
                + (c.detail() == null || c.detail().isBlank() ? "" : ": " + c.detail())).orElse(null);
        return new RunRow(log.runId(), status, latest == null ? null : latest.generation(),
                latest == null ? null : latest.heldoutPerplexity(), started, reason);
    }
}
