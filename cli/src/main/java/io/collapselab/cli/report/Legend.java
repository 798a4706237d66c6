package io.collapselab.cli.report;

import io.collapselab.cli.RunJson;
import io.collapselab.events.RunGroup;
import io.collapselab.lm.loop.GenerationReport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The report's one legend: what tells its runs apart. A run of a grid is labelled by its settings
 * ({@code lr=3e-3, seed 2}), any other run by its id. Runs of one grid whose settings differ only in the seed are
 * repetitions of one setting: they share a color, and the charts draw their mean inside a band from the lowest to
 * the highest of them.
 */
final class Legend {

    /** A setting: the runs that repeat it (one, unless it was run over several seeds), its label and color. */
    private record Setting(String label, String color, List<RunJson> runs) {
    }

    private final Map<String, Setting> settings;
    private final Map<String, String> settingOfRun;

    private Legend(Map<String, Setting> settings, Map<String, String> settingOfRun) {
        this.settings = settings;
        this.settingOfRun = settingOfRun;
    }

    static Legend of(List<RunJson> runs) {
        Map<String, List<RunJson>> grouped = new LinkedHashMap<>();
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, String> settingOfRun = new LinkedHashMap<>();
        for (RunJson run : runs) {
            String key = settingKey(run);
            grouped.computeIfAbsent(key, k -> new ArrayList<>()).add(run);
            labels.putIfAbsent(key, settingLabel(run));
            settingOfRun.put(run.runId(), key);
        }
        Map<String, Setting> settings = new LinkedHashMap<>();
        int index = 0;
        for (Map.Entry<String, List<RunJson>> entry : grouped.entrySet()) {
            settings.put(entry.getKey(), new Setting(labels.get(entry.getKey()),
                    SvgChart.PALETTE[index++ % SvgChart.PALETTE.length], entry.getValue()));
        }
        return new Legend(settings, settingOfRun);
    }

    /** The run's own label: its grid settings, or its id. */
    String labelOf(RunJson run) {
        RunGroup group = run.group();
        if (group == null || group.settings().isEmpty()) {
            return run.runId();
        }
        return group.settings().entrySet().stream()
                .map(e -> e.getKey().equals(RunGroup.SEED) ? "seed " + e.getValue() : e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    String colorOf(RunJson run) {
        return setting(run).color();
    }

    /** Whether the run is one of several seeds of its setting, whose mean the charts draw. */
    boolean isRepeated(RunJson run) {
        return setting(run).runs().size() > 1;
    }

    /** The mean, lowest and highest value of each repeated setting at every generation two or more of its runs have. */
    List<SvgChart.Band> bands(List<RunJson> runs, ToDoubleFunction<GenerationReport> value) {
        List<SvgChart.Band> bands = new ArrayList<>();
        for (Setting setting : settings.values()) {
            if (setting.runs().size() < 2) {
                continue;
            }
            Map<Integer, List<Double>> byGeneration = new TreeMap<>();
            for (RunJson run : setting.runs()) {
                for (GenerationReport report : run.generations()) {
                    double v = value.applyAsDouble(report);
                    if (Double.isFinite(v)) {
                        byGeneration.computeIfAbsent(report.generation(), g -> new ArrayList<>()).add(v);
                    }
                }
            }
            List<double[]> points = new ArrayList<>();
            byGeneration.forEach((generation, values) -> {
                if (values.size() >= 2) {
                    double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                    double low = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
                    double high = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                    points.add(new double[] {generation, mean, low, high});
                }
            });
            if (!points.isEmpty()) {
                bands.add(new SvgChart.Band(setting.label(), setting.color(), points));
            }
        }
        return bands;
    }

    /** The legend as a list above the charts: it never covers a line, and long labels wrap instead of clipping. */
    void render(StringBuilder html) {
        html.append("<ul class=\"legend\">\n");
        for (Setting setting : settings.values()) {
            html.append("<li><span class=\"swatch\" style=\"background:").append(setting.color())
                    .append("\"></span>").append(Html.escape(setting.label()));
            if (setting.runs().size() > 1) {
                html.append(" (").append(setting.runs().size()).append(" seeds: mean, and a band from the lowest "
                        + "to the highest)");
            }
            html.append("</li>\n");
        }
        html.append("</ul>\n");
    }

    private Setting setting(RunJson run) {
        return settings.get(settingOfRun.get(run.runId()));
    }

    /** Runs of one grid with the same settings but the seed share a key; any other run is its own. */
    private static String settingKey(RunJson run) {
        RunGroup group = run.group();
        if (group == null || !group.settings().containsKey(RunGroup.SEED)) {
            return "run " + run.runId();
        }
        return "grid " + group.id() + " " + withoutSeed(group);
    }

    private static String settingLabel(RunJson run) {
        RunGroup group = run.group();
        if (group == null || group.settings().isEmpty()) {
            return run.runId();
        }
        if (!group.settings().containsKey(RunGroup.SEED)) {
            return group.settings().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", "));
        }
        Map<String, String> rest = withoutSeed(group);
        return rest.isEmpty() ? group.id() : rest.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static Map<String, String> withoutSeed(RunGroup group) {
        Map<String, String> rest = new LinkedHashMap<>(group.settings());
        rest.remove(RunGroup.SEED);
        return rest;
    }
}
