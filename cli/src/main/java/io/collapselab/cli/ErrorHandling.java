package io.collapselab.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/** One line that says what is wrong and what to do; a stack trace only with {@code --verbose}. */
final class ErrorHandling {

    private ErrorHandling() {
    }

    static int onBadOption(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("collapse: " + e.getMessage());
        err.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
        return CollapseMain.BAD_INPUT;
    }

    static int onFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        boolean verbose = false;
        for (CommandLine.ParseResult level = parseResult; level != null; level = level.subcommand()) {
            verbose |= level.hasMatchedOption("--verbose");
        }
        if (e instanceof UsageError) {
            err.println("collapse: " + e.getMessage());
            return CollapseMain.BAD_INPUT;
        }
        err.println("collapse: " + describe(e));
        if (verbose) {
            e.printStackTrace(err);
        } else {
            err.println("(run again with --verbose for the stack trace)");
        }
        return CollapseMain.FAILED;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
