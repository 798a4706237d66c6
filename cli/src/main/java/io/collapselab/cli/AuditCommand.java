package io.collapselab.cli;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.S3Settings;
import io.collapselab.cli.audit.AuditException;
import io.collapselab.cli.audit.AuditReport;
import io.collapselab.cli.audit.RunAuditor;
import io.collapselab.cli.runs.RunIds;
import io.collapselab.lm.loop.Progress;
import io.collapselab.events.kafka.KafkaRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code collapse audit RUN}: replays a run's event log and checks it and its objects; see {@link RunAuditor}. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Replays a run's events from the start of the event log, without joining any consumer group,"
                + " and rebuilds its lineage: run config, checkpoint 0, corpus 0, checkpoint 1, ... Checks every"
                + " event against the contracts, finds gaps and copies of events that differ, and checks that every"
                + " object an event names exists with that event's digest.",
                "Prints the lineage, one line per generation, each discrepancy, and the verdict line CONSISTENT or"
                + " DISCREPANCIES: n. A run still in progress is audited as far as its log goes."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:consistent", "1:discrepancies found (each listed)",
                "2:could not audit (bad option, unknown run, Kafka or S3 unreachable)"})
final class AuditCommand implements Callable<Integer> {

    static final int CONSISTENT = 0;
    static final int DISCREPANCIES = 1;
    static final int NOT_AUDITED = 2;

    // Long enough for a remote cluster's first connection, short enough that a wrong address is reported promptly.
    private static final Duration BROKER_TIMEOUT = Duration.ofSeconds(10);

    @Parameters(index = "0", paramLabel = "RUN", description = "Id of the run to audit.")
    String runId;

    @Option(names = "--json", description = "Print the report as JSON (lineage, discrepancies, verdict) instead.")
    boolean json;

    @Option(names = "--recompute", paramLabel = "G",
            description = {"Also re-execute generation G in this process from its parent checkpoint and corpus (from"
                    + " the training text for G = 0) and re-sample its corpus, and compare the digests with the"
                    + " recorded ones.",
                    "Digests are bit-identical only with the services' intra-op thread count (--threads) and the"
                            + " MKL settings of docs/determinism.md."})
    Integer recompute;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    ThreadOptions threads;

    @Mixin
    StateOptions state;

    @Option(names = "--verbose", description = "Print stack traces of failures.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!RunIds.isValid(runId)) {
            throw new UsageError("'" + runId + "' is not a run id (1 to 63 characters of a-z, 0-9 and '-', starting"
                    + " with a letter or digit); `collapse runs` lists the runs");
        }
        if (recompute != null && recompute < 0) {
            throw new UsageError("--recompute takes a generation (0 or more), was " + recompute);
        }
        threads.apply();
        cluster.localStackDir = state.processes().stackDir();
        S3Settings s3 = cluster.s3Settings();
        Optional<String> unreachable = cluster.brokerProblem(BROKER_TIMEOUT).or(cluster::s3Problem);
        if (unreachable.isPresent()) {
            return notAudited(err, unreachable.get(), null);
        }
        AuditReport report;
        try (ArtifactStore store = new ArtifactStore(s3)) {
            RunAuditor auditor = new RunAuditor(cluster.kafkaClientConfig(KafkaRole.AUDITOR), store);
            report = recompute == null
                    ? auditor.audit(runId)
                    : auditor.audit(runId, recompute, ThreadOptions.effective(), new RecomputeProgress(err));
        } catch (AuditException e) {
            return notAudited(err, e.getMessage(), e);
        }
        if (json) {
            out.println(report.toJson());
            out.flush();
        } else {
            report.print(out);
        }
        return report.consistent() ? CONSISTENT : DISCREPANCIES;
    }

    private int notAudited(PrintWriter err, String problem, Exception cause) {
        err.println("collapse: " + problem);
        if (verbose && cause != null) {
            cause.printStackTrace(err);
        }
        err.flush();
        return NOT_AUDITED;
    }

    /** A line on standard error every few seconds and at the end of each phase: training a generation takes time. */
    private static final class RecomputeProgress implements Progress {

        private static final long INTERVAL_NANOS = 5_000_000_000L;

        private final PrintWriter err;
        private long lastPrint = System.nanoTime();

        RecomputeProgress(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void update(int generation, String phase, long done, long total) {
            long now = System.nanoTime();
            if (done < total && now - lastPrint < INTERVAL_NANOS) {
                return;
            }
            lastPrint = now;
            err.printf(Locale.ROOT, "recompute generation %d: %s %d/%d %s%n", generation, phase, done, total,
                    "train".equals(phase) ? "steps" : "tokens");
            err.flush();
        }
    }
}
