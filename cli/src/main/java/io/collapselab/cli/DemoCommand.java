package io.collapselab.cli;

import io.collapselab.cli.report.ReportWriter;
import io.collapselab.cli.runs.RunLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code collapse demo}: the whole distributed system on this machine — embedded Kafka and S3, the three services
 * as separate processes — running the demo experiment, with live progress, a report and the per-generation table.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts the embedded stack and the three services, submits the demo experiment (or "
                + "--preset / --config, or a --sweep of runs), shows live progress, writes an HTML report and the "
                + "per-generation table, then stops everything.",
                "The event log and objects stay under --state-dir, so './collapse audit RUN' works afterwards."})
final class DemoCommand implements Callable<Integer> {

    @Mixin
    ExperimentOptions experiment;

    @Mixin
    SweepOptions sweep;

    @Mixin
    DataOptions data;

    @Mixin
    StateOptions state;

    @Mixin
    ThreadOptions threads;

    /** The run summary in the schema of {@code collapse loop --json}; a list of them for a sweep. */
    @Mixin
    JsonOutput json;

    @Option(names = "--report", paramLabel = "FILE.html",
            description = "Where to write the report (default: <state-dir>/reports/<run>.html).")
    Path report;

    @Option(names = "--timeout", paramLabel = "MINUTES", description = "Give up after this long (default: "
            + "${DEFAULT-VALUE}).")
    long timeoutMinutes = 60;

    @Option(names = "--keep-running", description = "Leave the stack and services running afterwards.")
    boolean keepRunning;

    @Option(names = "--verbose", description = "Print stack traces of failures.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        List<SweepOptions.Variant> variants = sweep.variants(experiment, "demo");
        DataOptions.RealTexts texts = data.read();
        return EmbeddedSystem.run(state.processes(), threads.count(), !keepRunning, cluster -> {
            List<String> ids = Submission.submit(cluster, variants, texts, null);
            System.err.println("submitted " + String.join(", ", ids));
            Map<String, RunLog> logs = RunResults.follow(cluster, ids, Duration.ofMinutes(timeoutMinutes),
                    System.err, state.processes()::serviceProblems);
            int exitCode = RunResults.report(logs, json);
            List<RunJson> summaries = new ArrayList<>();
            logs.values().forEach(log -> summaries.add(log.summary()));
            Path page = report != null ? report : state.stateDir.resolve("reports").resolve(ids.get(0) + ".html");
            ReportCommand.write(page, ReportWriter.render(summaries));
            json.forPeople().println("report: " + page.toAbsolutePath());
            json.forPeople().println("audit later with: ./collapse up && ./collapse audit " + ids.get(0));
            return exitCode;
        });
    }
}
