package io.collapselab.cli;

import io.collapselab.experiment.Presets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code collapse presets [NAME]}: the ready-made experiments, and one of them as a config file to start from. */
@Command(name = "presets", mixinStandardHelpOptions = true,
        description = {"Lists the ready-made experiments (--preset NAME) and what each is for; with a NAME, prints "
                + "that preset as a config file.",
                "Start your own from one: collapse presets demo > mine.json, edit it, then pass --config mine.json."})
final class PresetsCommand implements Callable<Integer> {

    private static final int WIDTH = 100;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "The preset to print as JSON.")
    String name;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (name != null) {
            Presets.Preset preset;
            try {
                preset = Presets.preset(name);
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
            out.print(preset.json());
            out.flush();
            return CollapseMain.OK;
        }
        int nameWidth = Presets.names().stream().mapToInt(String::length).max().orElse(0);
        for (Presets.Preset preset : Presets.all()) {
            List<String> lines = wrap(preset.description(), WIDTH - nameWidth - 2);
            for (int i = 0; i < lines.size(); i++) {
                out.printf("%-" + nameWidth + "s  %s%n", i == 0 ? preset.name() : "", lines.get(i));
            }
        }
        out.println();
        out.println("collapse presets NAME prints one as a config file; --preset NAME runs it.");
        out.flush();
        return CollapseMain.OK;
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
