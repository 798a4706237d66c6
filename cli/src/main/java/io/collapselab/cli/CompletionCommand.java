package io.collapselab.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code collapse completion}: the bash and zsh completion script of every command and option. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Prints a bash/zsh completion script for collapse, its commands and their options.",
                "Load it in the current shell: source <(./collapse completion); or save it where your shell "
                        + "reads completions, e.g. ./collapse completion > ~/.local/share/bash-completion/"
                        + "completions/collapse"})
final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(AutoComplete.bash("collapse", spec.root().commandLine()));
        out.flush();
        return CollapseMain.OK;
    }
}
