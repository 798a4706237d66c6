package io.collapselab.cli;

import io.collapselab.cli.report.ReportWriter;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.events.kafka.KafkaRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code collapse report RUN... --out FILE.html}: one self-contained page comparing runs, from the event log. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Writes one self-contained HTML page about runs, built only from the event log: held-out "
                + "perplexity, distinct-2 and entropy against generation (one line per run), the configs side by "
                + "side, sample excerpts from early, middle and late generations, and every checkpoint's digest.",
                "With --loop-json, reports runs of 'collapse loop --json' instead."})
final class ReportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN", arity = "0..*", description = "Run ids in the event log, or group ids of grids "
            + "(every run of the grid, in the order submitted).")
    List<String> runIds = new ArrayList<>();

    @Option(names = "--loop-json", paramLabel = "FILE", description = "Summaries written by 'collapse loop --json'.")
    List<Path> loopJson = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE.html", required = true, description = "Where to write the page.")
    Path out;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    StateOptions state;

    @Option(names = "--verbose", description = "Print stack traces of failures.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        if (runIds.isEmpty() && loopJson.isEmpty()) {
            throw new UsageError("name at least one run id (see ./collapse runs) or --loop-json FILE");
        }
        List<RunJson> runs = new ArrayList<>();
        for (Path file : loopJson) {
            try {
                runs.addAll(RunJson.readAll(file));
            } catch (IOException e) {
                throw new UsageError("cannot read " + file + " as a 'collapse loop --json' summary: "
                        + e.getMessage());
            }
        }
        if (!runIds.isEmpty()) {
            ClusterOptions.Cluster target = cluster.resolve(state.processes());
            try (RunObserver observer = new RunObserver(target.kafka(KafkaRole.AUDITOR))) {
                Map<String, RunLog> all = observer.readAll(Duration.ofSeconds(60));
                for (String id : runIds) {
                    RunLog log = all.get(id);
                    if (log != null && log.request().isPresent()) {
                        runs.add(log.summary());
                        continue;
                    }
                    List<RunLog> grid = all.values().stream().filter(run -> run.inGroup(id))
                            .sorted(Comparator.comparing(run -> run.request().orElseThrow().occurredAt()))
                            .toList();
                    if (grid.isEmpty()) {
                        throw new UsageError("unknown run or group " + id + "; ./collapse runs lists the runs");
                    }
                    grid.forEach(run -> runs.add(run.summary()));
                }
            }
        }
        write(out, ReportWriter.render(runs));
        System.out.println("wrote " + out);
        return CollapseMain.OK;
    }

    static void write(Path file, String html) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, html);
    }
}
