package io.collapselab.cli;

import io.collapselab.cli.local.LocalProcesses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code collapse down}: stops every process {@code collapse up} started; data stays for audits. */
@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stops the services and the embedded stack started by 'collapse up'. Their data stays under "
                + "--state-dir, so runs can still be audited after the next 'collapse up'.")
final class DownCommand implements Callable<Integer> {

    @Mixin
    StateOptions state;

    @Override
    public Integer call() {
        LocalProcesses local = state.processes();
        List<String> stopped = local.down(System.err);
        System.out.println(stopped.isEmpty() ? "nothing was running" : "stopped " + String.join(", ", stopped));
        return CollapseMain.OK;
    }
}
