package io.collapselab.cli;

import io.collapselab.cli.local.LocalProcesses;
import io.collapselab.cli.local.Replicas;
import io.collapselab.localstack.StackConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code collapse up}: the embedded stack and the three services as background processes. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Starts the embedded Kafka broker and S3 server and the trainer, generator and evaluator "
                + "services as background processes, and waits until all are ready.",
                "State, logs and pids live under --state-dir; './collapse down' stops everything."})
final class UpCommand implements Callable<Integer> {

    @Mixin
    StateOptions state;

    @Mixin
    ThreadOptions threads;

    @Option(names = "--replicas", paramLabel = "SERVICE=N[,...]", defaultValue = "",
            description = {"Processes per service, e.g. trainer=2,generator=2,evaluator=1 (a service left out runs "
                    + "once). A service's replicas share its consumer group: Kafka spreads the runs over them, so "
                    + "more replicas carry more runs at once."})
    String replicas;

    @Override
    public Integer call() {
        Replicas counts;
        try {
            counts = Replicas.parse(replicas);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--replicas: " + e.getMessage());
        }
        LocalProcesses local = state.processes();
        StackConnection connection = local.up(threads.count(), counts, System.err);
        System.out.println("Kafka:   " + connection.bootstrapServers());
        System.out.println("S3:      " + connection.s3Endpoint() + " (bucket " + connection.bucket() + ")");
        for (String service : LocalProcesses.SERVICES) {
            for (String name : counts.names(service)) {
                System.out.println(name + ": http://127.0.0.1:" + local.port(name).orElseThrow()
                        + "/q/health  (log " + local.log(name) + ")");
            }
        }
        System.out.println("stop with: ./collapse down");
        return CollapseMain.OK;
    }
}
