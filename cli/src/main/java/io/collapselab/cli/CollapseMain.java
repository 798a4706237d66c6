package io.collapselab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code collapse} command. */
@Command(name = "collapse",
        mixinStandardHelpOptions = true,
        description = "Recursive self-training (\"model collapse\") experiments.",
        subcommands = {DemoCommand.class, UpCommand.class, DownCommand.class, SubmitCommand.class,
                WatchCommand.class, RunsCommand.class, ReportCommand.class, AuditCommand.class, LoopCommand.class,
                PresetsCommand.class, ModelsCommand.class, DataCommand.class,
                BenchCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class})
public final class CollapseMain {

    /** Success. */
    public static final int OK = 0;
    /** The work failed (a run failed, a service could not be reached, ...). */
    public static final int FAILED = 1;
    /** Bad input: an option, a config or a data file; nothing was started. */
    public static final int BAD_INPUT = 2;

    public static void main(String[] args) {
        quietLibraries();
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new CollapseMain());
        giveEveryCommandTheVersion(commandLine);
        commandLine.setParameterExceptionHandler(ErrorHandling::onBadOption);
        commandLine.setExecutionExceptionHandler(ErrorHandling::onFailure);
        return commandLine;
    }

    /** Every help lists -V: each command answers it with the top level's version, not with nothing. */
    private static void giveEveryCommandTheVersion(CommandLine commandLine) {
        commandLine.getCommandSpec().versionProvider(new Version());
        commandLine.getSubcommands().values().forEach(CollapseMain::giveEveryCommandTheVersion);
    }

    /** Library chatter (the engine's GPU probe, the Kafka client) stays out of the user's terminal. */
    private static void quietLibraries() {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        // The Kafka client warns on every failed connection attempt; commands say in one line what went wrong.
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
