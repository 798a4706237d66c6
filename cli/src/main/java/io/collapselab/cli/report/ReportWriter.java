package io.collapselab.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.cli.RunJson;
import io.collapselab.lm.loop.GenerationReport;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * One self-contained HTML page comparing runs: held-out perplexity, held-out bits per byte (which runs with
 * different tokenizers share), distinct-2 and entropy against generation
 * (one line per run), the configs side by side, sample excerpts from early, middle and late generations, and each
 * checkpoint's digest. No scripts, fonts or styles from elsewhere: the page renders offline.
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
                .chart { border: 1px solid #ddd; background: #fff; }
                .chart .title { font-size: 14px; font-weight: bold; }
                .chart .tick, .chart .legend { font-size: 11px; fill: #444; }
                .chart .label { font-size: 12px; fill: #222; }
                .chart .axis { stroke: #444; } .chart .grid { stroke: #eee; }
                pre.excerpt { white-space: pre-wrap; background: #f6f6f6; padding: 8px; max-height: 12em;
                              overflow: auto; font-size: 0.85em; }
                code { font-size: 0.85em; }
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
        summary(html, runs);
        html.append("<h2>Generations</h2>\n<div class=\"charts\">\n");
        html.append(SvgChart.render("Held-out perplexity", "perplexity (per token)",
                series(runs, GenerationReport::heldoutPerplexity)));
        html.append(SvgChart.render("Held-out bits per byte", "bits per byte",
                series(runs, r -> r.heldoutBitsPerByte() == null ? Double.NaN : r.heldoutBitsPerByte())));
        html.append(SvgChart.render("Distinct-2 of the generated text", "distinct-2",
                series(runs, GenerationReport::distinct2)));
        html.append(SvgChart.render("Word entropy of the generated text", "entropy (bits)",
                series(runs, GenerationReport::entropy)));
        html.append("</div>\n");
        configs(html, runs);
        excerpts(html, runs);
        digests(html, runs);
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private static void summary(StringBuilder html, List<RunJson> runs) {
        html.append("<table>\n<tr><th>run</th><th>status</th><th>generations</th><th>perplexity, first → last</th>"
                + "<th>distinct-2, first → last</th><th>first collapsed generation</th></tr>\n");
        for (RunJson run : runs) {
            List<GenerationReport> g = run.generations();
            String perplexity = g.isEmpty() ? "-" : String.format(Locale.ROOT, "%.3f → %.3f",
                    g.get(0).heldoutPerplexity(), g.get(g.size() - 1).heldoutPerplexity());
            String distinct2 = g.isEmpty() ? "-" : String.format(Locale.ROOT, "%.3f → %.3f",
                    g.get(0).distinct2(), g.get(g.size() - 1).distinct2());
            String collapsed = g.stream().filter(GenerationReport::collapsed).findFirst()
                    .map(r -> Integer.toString(r.generation())).orElse("none");
            html.append("<tr><td>").append(Html.escape(run.runId())).append("</td><td>")
                    .append(Html.escape(run.status())).append("</td><td class=\"num\">").append(g.size())
                    .append("</td><td class=\"num\">").append(perplexity).append("</td><td class=\"num\">")
                    .append(distinct2).append("</td><td class=\"num\">").append(collapsed).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static List<SvgChart.Series> series(List<RunJson> runs,
                                                ToDoubleFunction<GenerationReport> value) {
        List<SvgChart.Series> series = new ArrayList<>();
        for (RunJson run : runs) {
            series.add(SvgChart.Series.of(run.runId(), run.generations(), GenerationReport::generation, value));
        }
        return series;
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

    /** Early, middle and late generations, where collapse shows in the text itself. */
    private static void excerpts(StringBuilder html, List<RunJson> runs) {
        html.append("<h2>Samples</h2>\n");
        for (RunJson run : runs) {
            List<GenerationReport> g = run.generations();
            if (g.isEmpty()) {
                continue;
            }
            html.append("<h3>").append(Html.escape(run.runId())).append("</h3>\n");
            Set<Integer> picks = new LinkedHashSet<>(List.of(0, (g.size() - 1) / 2, g.size() - 1));
            for (int index : picks) {
                GenerationReport r = g.get(index);
                html.append(String.format(Locale.ROOT, "<p>generation %d (perplexity %.3f, distinct-2 %.3f%s):</p>%n",
                        r.generation(), r.heldoutPerplexity(), r.distinct2(),
                        r.cycleLength() > 0 ? ", ends in a " + r.cycleLength() + "-token cycle" : ""));
                html.append("<pre class=\"excerpt\">").append(Html.escape(r.sampleExcerpt())).append("</pre>\n");
            }
        }
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
