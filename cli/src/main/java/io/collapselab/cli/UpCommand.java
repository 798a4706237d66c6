package io.collapselab.cli;

import io.collapselab.cli.local.LocalProcesses;
import io.collapselab.localstack.StackConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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

    @Override
    public Integer call() {
        LocalProcesses local = state.processes();
        StackConnection connection = local.up(threads.count(), System.err);
        System.out.println("Kafka:   " + connection.bootstrapServers());
        System.out.println("S3:      " + connection.s3Endpoint() + " (bucket " + connection.bucket() + ")");
        for (String service : LocalProcesses.SERVICES) {
            System.out.println(service + ": http://127.0.0.1:" + local.port(service).orElseThrow()
                    + "/q/health  (log " + local.log(service) + ")");
        }
        System.out.println("stop with: ./collapse down");
        return CollapseMain.OK;
    }
}
