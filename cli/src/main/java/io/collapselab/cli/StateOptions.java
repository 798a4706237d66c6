package io.collapselab.cli;

import io.collapselab.cli.local.LocalProcesses;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where the embedded system keeps its state, logs and pid files. */
final class StateOptions {

    /** Set by the {@code collapse} launcher: the checkout whose modules hold the services' runner jars. */
    static final String HOME_PROPERTY = "collapse.home";

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "State of the embedded system: broker and object data, logs, pids (default: ${DEFAULT-VALUE}).")
    Path stateDir = Path.of(".collapse");

    LocalProcesses processes() {
        return new LocalProcesses(stateDir, Path.of(System.getProperty(HOME_PROPERTY, ".")));
    }
}
