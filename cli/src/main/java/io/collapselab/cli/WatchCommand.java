package io.collapselab.cli;

import io.collapselab.cli.runs.RunIds;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.events.kafka.KafkaRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** {@code collapse watch RUN...}: live progress of runs until they complete, then their tables. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Follows runs live (one progress bar per run) until they complete, then prints each run's "
                + "per-generation table; when nothing has moved for 2 minutes, says which local service is down or "
                + "not ready. Exit 0 when all ended normally, 1 when one failed, 2 at once when the event log holds "
                + "no event of a run.")
final class WatchCommand implements Callable<Integer> {

    /** How long looking a run id up in the event log may take. */
    private static final Duration LOOKUP_TIMEOUT = Duration.ofMinutes(1);

    @Parameters(paramLabel = "RUN", arity = "1..*", description = "Run ids.")
    List<String> runIds;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    StateOptions state;

    @Option(names = "--timeout", paramLabel = "MINUTES", description = "Give up after this long (default: "
            + "${DEFAULT-VALUE}).")
    long timeoutMinutes = 24 * 60;

    @Mixin
    JsonOutput json;

    @Option(names = "--verbose", description = "Print stack traces of failures.")
    boolean verbose;

    @Override
    public Integer call() {
        runIds.forEach(id -> {
            if (!RunIds.isValid(id)) {
                throw new UsageError("invalid run id: " + RunIds.problem(id));
            }
        });
        ClusterOptions.Cluster target = cluster.resolve(state.processes());
        refuseUnknown(target);
        Supplier<List<String>> diagnose = cluster.isLocalStack() ? state.processes()::serviceProblems
                : () -> List.of("the services run elsewhere: check their health and logs where they run (on "
                        + "Kubernetes, kubectl get pods and kubectl logs)");
        Map<String, RunLog> logs = RunResults.follow(target, runIds, Duration.ofMinutes(timeoutMinutes),
                System.err, diagnose);
        return RunResults.report(logs, json);
    }

    /** A run id the log does not know is a typo far more often than a run about to be submitted: say so at once. */
    private void refuseUnknown(ClusterOptions.Cluster target) {
        try (RunObserver observer = new RunObserver(target.kafka(KafkaRole.AUDITOR))) {
            for (String id : runIds) {
                if (observer.read(id, LOOKUP_TIMEOUT).entries().isEmpty()) {
                    throw new UsageError("run " + id + " is unknown: the event log holds no event of it; check the"
                            + " run id ('collapse runs' lists the runs)");
                }
            }
        }
    }
}
