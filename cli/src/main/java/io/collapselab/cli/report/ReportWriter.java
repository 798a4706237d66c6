package io.collapselab.cli.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.cli.RunJson;
import io.collapselab.experiment.CollapsePolicy;
import io.collapselab.lm.loop.GenerationReport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * One self-contained HTML page comparing runs: held-out perplexity (also on a log scale), held-out bits per byte
 * (which runs with different tokenizers share), distinct-2 and entropy against generation (one line per run; for a
 * setting of a grid repeated over seeds, also the seeds' mean inside a min–max band), one legend labelled by the
 * settings that tell the runs apart, the configs side by side, sample excerpts from early, middle and late
 * generations, and each checkpoint's digest. No scripts, fonts or styles from elsewhere: the page renders offline.
 */
public final class ReportWriter {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReportWriter() {
    }

    public static String render(List<RunJson> runs) {
        StringBuilder html = new StringBuilder();
        html.append("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>collapse-lab report</title>
                <style>
                body { font-family: sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
                h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; }
                table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
                th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
                td.num { text-align: right; font-variant-numeric: tabular-nums; }
                tr.differs td { background: #fff6d6; }
                .charts { display: flex; flex-wrap: wrap; gap: 12px; }
                .chart { border: 1px solid #ddd; background: #fff; width: 100%; max-width: 640px; height: auto; }
                ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 18px;
                            font-size: 0.85em; }
                ul.legend .swatch { display: inline-block; width: 12px; height: 12px; margin-right: 5px;
                                    vertical-align: middle; }
                .chart .title { font-size: 14px; font-weight: bold; }
                .chart .tick, .chart .legend { font-size: 11px; fill: #444; }
                .chart .label { font-size: 12px; fill: #222; }
                .chart .axis { stroke: #444; } .chart .grid { stroke: #eee; }
                pre.excerpt { white-space: pre-wrap; background: #f6f6f6; padding: 8px; max-height: 12em;
                              overflow: auto; font-size: 0.85em; }
                code { font-size: 0.85em; }
                div.wide { overflow-x: auto; }
                table.samples td { min-width: 16em; max-width: 30em; }
                details { margin: 0.4em 0; } summary { cursor: pointer; }
                </style>
                </head>
                <body>
                <h1>collapse-lab report</h1>
                """);
        html.append("<p>").append(runs.size()).append(runs.size() == 1 ? " run" : " runs")
                .append(". Held-out perplexity is measured on real text the models never trained on; distinct-2 ")
                .append("and entropy on the text each generation wrote. Collapse shows as perplexity rising while ")
                .append("distinct-2 and entropy fall. Perplexity is per token of each run's tokenizer; bits per byte ")
                .append("of the same loss compare runs whatever their tokenizers.</p>\n");
        Legend legend = Legend.of(runs);
        summary(html, runs, legend);
        html.append("<h2>Generations</h2>\n");
        legend.render(html);
        html.append("<div class=\"charts\">\n");
        chart(html, "Held-out perplexity", "perplexity (per token)", runs, legend,
                GenerationReport::heldoutPerplexity, false);
        chart(html, "Held-out perplexity (log scale)", "perplexity (per token)", runs, legend,
                GenerationReport::heldoutPerplexity, true);
        chart(html, "Held-out bits per byte", "bits per byte", runs, legend,
                r -> r.heldoutBitsPerByte() == null ? Double.NaN : r.heldoutBitsPerByte(), false);
        chart(html, "Distinct-2 of the generated text", "distinct-2", runs, legend, GenerationReport::distinct2,
                false);
        chart(html, "Word entropy of the generated text", "entropy (bits)", runs, legend, GenerationReport::entropy,
                false);
        html.append("</div>\n");
        configs(html, runs);
        metrics(html, runs, legend);
        excerpts(html, runs, legend);
        digests(html, runs);
        downloads(html, runs);
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private static void summary(StringBuilder html, List<RunJson> runs, Legend legend) {
        html.append("<table>\n<tr><th>run</th><th>setting</th><th>status</th><th>generations</th>"
                + "<th>perplexity, first → last</th><th>distinct-2, first → last</th>"
                + "<th>first collapsed generation</th><th>collapse rule</th></tr>\n");
        for (RunJson run : runs) {
            List<GenerationReport> g = run.generations();
            String perplexity = g.isEmpty() ? "-" : String.format(Locale.ROOT, "%.3f → %.3f",
                    g.get(0).heldoutPerplexity(), g.get(g.size() - 1).heldoutPerplexity());
            String distinct2 = g.isEmpty() ? "-" : String.format(Locale.ROOT, "%.3f → %.3f",
                    g.get(0).distinct2(), g.get(g.size() - 1).distinct2());
            String collapsed = g.stream().filter(GenerationReport::collapsed).findFirst()
                    .map(r -> Integer.toString(r.generation())).orElse("none");
            html.append("<tr><td>").append(Html.escape(run.runId())).append("</td><td>")
                    .append(Html.escape(legend.labelOf(run))).append("</td><td>")
                    .append(Html.escape(run.status())).append("</td><td class=\"num\">").append(g.size())
                    .append("</td><td class=\"num\">").append(perplexity).append("</td><td class=\"num\">")
                    .append(distinct2).append("</td><td class=\"num\">").append(collapsed).append("</td><td>")
                    .append(Html.escape(collapseRule(run.config().collapse()))).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static void chart(StringBuilder html, String title, String yLabel, List<RunJson> runs, Legend legend,
                              ToDoubleFunction<GenerationReport> value, boolean logScale) {
        List<SvgChart.Series> series = new ArrayList<>();
        for (RunJson run : runs) {
            series.add(new SvgChart.Series(run.runId(), legend.labelOf(run), legend.colorOf(run),
                    legend.isRepeated(run), SvgChart.Series.points(run.generations(), GenerationReport::generation,
                    value)));
        }
        html.append(SvgChart.render(title, yLabel, series, legend.bands(runs, value), logScale));
    }

    /** What makes a generation count as collapsed, in words, as the verdict beside it applies it. */
    static String collapseRule(CollapsePolicy policy) {
        List<String> rules = new ArrayList<>();
        if (policy.distinct2Below() > 0) {
            rules.add(String.format(Locale.ROOT, "distinct-2 below %s", policy.distinct2Below()));
        }
        if (policy.maxCycleLength() > 0) {
            rules.add("its sample ends in a cycle of at most " + policy.maxCycleLength() + " tokens");
        }
        return rules.isEmpty() ? "none set: no generation counts as collapsed" : String.join(", or ", rules);
    }

    /** Every config field as a row, one column per run; rows whose values differ are highlighted. */
    private static void configs(StringBuilder html, List<RunJson> runs) {
        List<Map<String, String>> flattened = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        for (RunJson run : runs) {
            Map<String, String> fields = new LinkedHashMap<>();
            flatten("", MAPPER.valueToTree(run.config()), fields);
            flattened.add(fields);
            keys.addAll(fields.keySet());
        }
        html.append("<h2>Configurations</h2>\n<table>\n<tr><th>setting</th>");
        for (RunJson run : runs) {
            html.append("<th>").append(Html.escape(run.runId())).append("</th>");
        }
        html.append("</tr>\n");
        for (String key : keys) {
            Set<String> distinct = new LinkedHashSet<>();
            flattened.forEach(f -> distinct.add(f.getOrDefault(key, "")));
            html.append(distinct.size() > 1 ? "<tr class=\"differs\">" : "<tr>").append("<td><code>")
                    .append(Html.escape(key)).append("</code></td>");
            for (Map<String, String> fields : flattened) {
                html.append("<td>").append(Html.escape(fields.getOrDefault(key, ""))).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node != null && node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), out);
            }
        } else if (node != null) {
            out.put(prefix, node.isTextual() ? node.textValue() : node.toString());
        }
    }

    /**
     * Early, middle and late generations side by side, one column per run: where collapse shows in the text itself,
     * and where runs of one setting can be read against each other at the same generation.
     */
    private static void excerpts(StringBuilder html, List<RunJson> runs, Legend legend) {
        html.append("<h2>Samples</h2>\n");
        int last = runs.stream().mapToInt(r -> r.generations().size()).max().orElse(0) - 1;
        if (last < 0) {
            return;
        }
        html.append("<div class=\"wide\"><table class=\"samples\">\n<tr><th>generation</th>");
        for (RunJson run : runs) {
            html.append("<th>").append(Html.escape(legend.labelOf(run))).append("</th>");
        }
        html.append("</tr>\n");
        for (int generation : new LinkedHashSet<>(List.of(0, last / 2, last))) {
            html.append("<tr><td class=\"num\">").append(generation).append("</td>");
            for (RunJson run : runs) {
                GenerationReport r = run.generations().stream().filter(g -> g.generation() == generation)
                        .findFirst().orElse(null);
                html.append("<td>");
                if (r == null) {
                    html.append("-");
                } else {
                    html.append(String.format(Locale.ROOT, "<p>perplexity %.3f, distinct-2 %.3f%s</p>",
                            r.heldoutPerplexity(), r.distinct2(),
                            r.cycleLength() > 0 ? ", ends in a " + r.cycleLength() + "-token cycle" : ""));
                    html.append("<pre class=\"excerpt\">").append(Html.escape(r.sampleExcerpt())).append("</pre>");
                }
                html.append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table></div>\n");
    }

    /** Every metric of every generation, one table per run, folded away until opened. */
    private static void metrics(StringBuilder html, List<RunJson> runs, Legend legend) {
        html.append("<h2>Every metric</h2>\n");
        for (RunJson run : runs) {
            html.append("<details><summary>").append(Html.escape(run.runId()));
            if (!legend.labelOf(run).equals(run.runId())) {
                html.append(" (").append(Html.escape(legend.labelOf(run))).append(')');
            }
            html.append("</summary>\n<div class=\"wide\"><table class=\"metrics\">\n<tr>");
            for (MetricColumn column : MetricColumn.values()) {
                html.append("<th>").append(column.heading()).append("</th>");
            }
            html.append("</tr>\n");
            for (GenerationReport r : run.generations()) {
                html.append("<tr>");
                for (MetricColumn column : MetricColumn.values()) {
                    html.append("<td class=\"num\">").append(Html.escape(column.format(r))).append("</td>");
                }
                html.append("</tr>\n");
            }
            html.append("</table></div>\n</details>\n");
        }
    }

    /** The report's data in the page itself, as files to save: JSON as {@code collapse loop --json} writes it, CSV. */
    private static void downloads(StringBuilder html, List<RunJson> runs) {
        String json;
        try {
            json = MAPPER.writeValueAsString(runs);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the runs cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
        html.append("<h2>Data</h2>\n<p>The numbers of this page: <a class=\"download\" download=\"runs.json\" ")
                .append("href=\"data:application/json;base64,").append(base64(json)).append("\">runs.json</a> ")
                .append("(one summary per run, as <code>collapse loop --json</code> writes it) and ")
                .append("<a class=\"download\" download=\"generations.csv\" href=\"data:text/csv;base64,")
                .append(base64(csv(runs))).append("\">generations.csv</a> (one row per run and generation).</p>\n");
    }

    /** One row per run and generation: the run, its grid settings, and every metric column. */
    static String csv(List<RunJson> runs) {
        StringBuilder csv = new StringBuilder("run,group,settings");
        for (MetricColumn column : MetricColumn.values()) {
            csv.append(',').append(column.csvName());
        }
        csv.append('\n');
        for (RunJson run : runs) {
            String group = run.group() == null ? "" : run.group().id();
            String settings = run.group() == null ? "" : run.group().settings().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
            for (GenerationReport r : run.generations()) {
                csv.append(csvField(run.runId())).append(',').append(csvField(group)).append(',')
                        .append(csvField(settings));
                for (MetricColumn column : MetricColumn.values()) {
                    csv.append(',').append(csvField(column.format(r)));
                }
                csv.append('\n');
            }
        }
        return csv.toString();
    }

    private static String csvField(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void digests(StringBuilder html, List<RunJson> runs) {
        html.append("<h2>Checkpoints</h2>\n");
        for (RunJson run : runs) {
            html.append("<h3>").append(Html.escape(run.runId())).append("</h3>\n<table>\n<tr><th>generation</th>"
                    + "<th>checkpoint SHA-256</th><th>corpus SHA-256</th></tr>\n");
            for (GenerationReport r : run.generations()) {
                html.append("<tr><td class=\"num\">").append(r.generation()).append("</td><td><code>")
                        .append(Html.escape(r.checkpointSha256())).append("</code></td><td><code>")
                        .append(Html.escape(r.corpusSha256())).append("</code></td></tr>\n");
            }
            html.append("</table>\n");
        }
    }
}
