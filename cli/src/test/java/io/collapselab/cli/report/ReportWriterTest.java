package io.collapselab.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.cli.RunJson;
import io.collapselab.events.RunGroup;
import io.collapselab.experiment.CollapsePolicy;
import io.collapselab.experiment.Presets;
import io.collapselab.lm.loop.GenerationReport;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportWriterTest {

    @Test
    void everyChartHasOneLinePerRunAndOnePointPerGeneration() {
        List<RunJson> runs = List.of(run("lr-1e-3", 3, 0.0), run("lr-3e-3", 5, 1.0));
        String html = ReportWriter.render(runs);

        List<String> charts = charts(html);
        assertEquals(5, charts.size());
        for (String chart : charts) {
            assertEquals(1, count(chart, "<polyline class=\"series\" data-run=\"lr-1e-3\""));
            assertEquals(1, count(chart, "<polyline class=\"series\" data-run=\"lr-3e-3\""));
            assertEquals(4, count(chart, "<circle class=\"point\" data-run=\"lr-1e-3\""));
            assertEquals(6, count(chart, "<circle class=\"point\" data-run=\"lr-3e-3\""));
        }
    }

    @Test
    void pointsOfARisingSeriesRiseOnThePage() {
        String chart = charts(ReportWriter.render(List.of(run("rising", 4, 0.0)))).get(0);
        Matcher m = Pattern.compile("<circle class=\"point\" data-run=\"rising\" cx=\"([0-9.]+)\" cy=\"([0-9.]+)\"")
                .matcher(chart);
        List<double[]> points = new ArrayList<>();
        while (m.find()) {
            points.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
        }
        assertEquals(5, points.size());
        for (int i = 1; i < points.size(); i++) {
            assertTrue(points.get(i)[0] > points.get(i - 1)[0], "x grows with the generation");
            assertTrue(points.get(i)[1] < points.get(i - 1)[1], "rising perplexity is drawn higher (smaller y)");
        }
    }

    @Test
    void isSelfContainedAndEscapesText() {
        GenerationReport hostile = new GenerationReport(0, 1, 1, 2.7, "whole", 100L, 1.5, 20.0, 1.0, 2.7, 1.5, 20.0,
                100L, 0.5, 0.5, 0.5, 0, 3, 0.1, 0.0, 0, "a".repeat(64), "b".repeat(64),
                "<script>alert(1)</script> & more", 10, false);
        String html = ReportWriter.render(List.of(new RunJson("r", "max-generations", Presets.get("smoke"),
                List.of(hostile))));
        assertFalse(html.contains("<script"), "text must be escaped");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
        assertFalse(html.contains("http://") && !html.contains("http://www.w3.org/2000/svg"),
                "no external resources");
        assertFalse(Pattern.compile("(src|href)=\"https?:").matcher(html).find(), "no external resources");
    }

    /** Runs recorded before bits per byte existed have none to draw: their line is left out, not drawn at 0. */
    @Test
    void aRunWithoutBitsPerByteHasNoPointsInThatChart() {
        RunJson measured = run("measured", 2, 0.0);
        List<GenerationReport> older = measured.generations().stream().map(r -> new GenerationReport(
                r.generation(), r.trainLoss(), r.heldoutLoss(), r.heldoutPerplexity(), null, null, null, null, null,
                null, null, null, null, r.distinct1(), r.distinct2(), r.distinct3(), r.repetition(), r.entropy(),
                r.tailMass(), null, r.cycleLength(), r.checkpointSha256(), r.corpusSha256(), r.sampleExcerpt(),
                r.wallMs(), r.collapsed())).toList();
        String html = ReportWriter.render(List.of(measured,
                new RunJson("older", "max-generations", Presets.get("smoke"), older)));

        String bitsPerByte = charts(html).get(2);
        assertTrue(bitsPerByte.contains("bits per byte"), bitsPerByte);
        assertEquals(3, count(bitsPerByte, "<circle class=\"point\" data-run=\"measured\""));
        assertEquals(0, count(bitsPerByte, "<circle class=\"point\" data-run=\"older\""));
        assertEquals(3, count(charts(html).get(0), "<circle class=\"point\" data-run=\"older\""));
    }

    @Test
    void differingConfigRowsAreHighlighted() {
        RunJson a = run("a", 1, 0);
        RunJson b = new RunJson("b", "max-generations", Presets.get("smoke").withSeed(99), a.generations());
        String html = ReportWriter.render(List.of(a, b));
        assertTrue(html.contains("<tr class=\"differs\"><td><code>seed</code></td><td>1234</td><td>99</td></tr>"),
                html);
        assertEquals(1, count(html, "<tr class=\"differs\">"));
    }

    @Test
    void runsOfAGridAreLabelledByTheirSettingsAndTheSeedsOfASettingShareAMeanInsideABand() {
        List<RunJson> runs = List.of(ofGrid("a1", "1e-3", "1", 0), ofGrid("a2", "1e-3", "2", 2),
                ofGrid("b1", "3e-3", "1", 5), ofGrid("b2", "3e-3", "2", 9));
        String html = ReportWriter.render(runs);

        assertTrue(html.contains("lr=1e-3 (2 seeds: mean, and a band from the lowest to the highest)"), html);
        assertTrue(html.contains("lr=3e-3 (2 seeds: mean, and a band from the lowest to the highest)"), html);
        assertTrue(html.contains("<td>lr=3e-3, seed 2</td>"), "the summary names each run's settings");
        String perplexity = charts(html).get(0);
        assertEquals(2, count(perplexity, "<polygon class=\"band\""));
        assertEquals(1, count(perplexity, "<polyline class=\"mean\" data-setting=\"lr=1e-3\""));
        for (String id : List.of("a1", "a2", "b1", "b2")) {
            assertEquals(1, count(perplexity, "<polyline class=\"series\" data-run=\"" + id + "\""), id);
        }
        // On a linear axis the mean of two runs is drawn halfway between them.
        List<double[]> first = points(perplexity, "a1");
        List<double[]> second = points(perplexity, "a2");
        List<double[]> mean = polyline(perplexity, "<polyline class=\"mean\" data-setting=\"lr=1e-3\"");
        assertEquals(first.size(), mean.size());
        for (int i = 0; i < mean.size(); i++) {
            assertEquals((first.get(i)[1] + second.get(i)[1]) / 2, mean.get(i)[1], 0.11);
        }
    }

    @Test
    void valueTicksAreRoundAndPerplexityAlsoHasALogScale() {
        String html = ReportWriter.render(List.of(run("a", 40, 0.0), run("b", 40, 3.7)));
        List<String> charts = charts(html);

        for (String chart : charts) {
            List<Double> ticks = new ArrayList<>();
            Matcher m = Pattern.compile("class=\"tick\" text-anchor=\"end\">([-0-9.]+)<").matcher(chart);
            while (m.find()) {
                ticks.add(Double.parseDouble(m.group(1)));
            }
            assertTrue(ticks.size() >= 2, chart);
            if (!chart.contains("(log scale)")) {
                double step = ticks.get(1) - ticks.get(0);
                double mantissa = step / Math.pow(10, Math.floor(Math.log10(step)));
                assertTrue(List.of(1.0, 2.0, 5.0).stream().anyMatch(x -> Math.abs(x - mantissa) < 1e-6),
                        "a 1-2-5 step, was " + step);
                for (double tick : ticks) {
                    assertEquals(0, Math.abs(tick / step - Math.rint(tick / step)), 1e-6, "a multiple of the step");
                }
            }
        }
        String log = charts.get(1);
        assertTrue(log.contains("Held-out perplexity (log scale)"), log);
        assertTrue(log.contains(">10<") && log.contains(">100<"), "decades as ticks: " + log);
    }

    @Test
    void theVerdictNamesTheRuleThatDefinesCollapse() {
        RunJson run = run("a", 2, 0.0);
        String html = ReportWriter.render(List.of(run));

        String rule = ReportWriter.collapseRule(run.config().collapse());
        assertTrue(html.contains("<td>" + rule + "</td>"), html);
        assertEquals("distinct-2 below 0.2, or its sample ends in a cycle of at most 8 tokens",
                ReportWriter.collapseRule(new CollapsePolicy(0.2, 8, false)));
        assertEquals("none set: no generation counts as collapsed",
                ReportWriter.collapseRule(new CollapsePolicy(0, 0, false)));
    }

    @Test
    void thePageCarriesItsDataAsJsonAndCsvDownloads() throws Exception {
        List<RunJson> runs = List.of(ofGrid("a1", "1e-3", "1", 0), run("plain", 2, 1.0));
        String html = ReportWriter.render(runs);

        Matcher json = Pattern.compile("download=\"runs.json\" href=\"data:application/json;base64,([A-Za-z0-9+/=]+)\"")
                .matcher(html);
        assertTrue(json.find(), html);
        JsonNode saved = new ObjectMapper().readTree(Base64.getDecoder().decode(json.group(1)));
        assertEquals(2, saved.size());
        assertEquals("grid-1", saved.get(0).get("group").get("id").asText());
        assertEquals(4, saved.get(0).get("generations").size());
        assertFalse(saved.get(1).has("group"), "a run on its own has no group");

        Matcher csv = Pattern.compile("download=\"generations.csv\" href=\"data:text/csv;base64,([A-Za-z0-9+/=]+)\"")
                .matcher(html);
        assertTrue(csv.find(), html);
        List<String> lines = new String(Base64.getDecoder().decode(csv.group(1)), StandardCharsets.UTF_8).lines()
                .toList();
        assertEquals(ReportWriter.csv(runs), String.join("\n", lines) + "\n");
        assertEquals(1 + 4 + 3, lines.size(), "a header, then one row per run and generation");
        assertTrue(lines.get(0).startsWith("run,group,settings,generation,train_loss,heldout_loss,heldout_perplexity"),
                lines.get(0));
        assertTrue(lines.get(1).startsWith("a1,grid-1,lr=1e-3;seed=1,0,2.0000,2.0000,10.0000,"), lines.get(1));
        assertTrue(lines.get(7).startsWith("plain,,,2,2.0000,2.2000,13.0000,"), lines.get(7));
    }

    @Test
    void everyMetricOfEveryGenerationIsInATableAndSamplesStandSideBySide() {
        String html = ReportWriter.render(List.of(run("a", 2, 0.0), run("b", 4, 0.0)));

        List<String> tables = new ArrayList<>();
        Matcher m = Pattern.compile("<table class=\"metrics\">.*?</table>", Pattern.DOTALL).matcher(html);
        while (m.find()) {
            tables.add(m.group());
        }
        assertEquals(2, tables.size(), "one table per run");
        assertEquals(1 + 3, count(tables.get(0), "<tr>"), "a heading and a row per generation");
        assertEquals(1 + 5, count(tables.get(1), "<tr>"));
        assertEquals(MetricColumn.values().length, count(tables.get(1), "<th>"), "every metric a column");
        String samples = html.substring(html.indexOf("<table class=\"samples\">"));
        samples = samples.substring(0, samples.indexOf("</table>"));
        assertEquals(3, count(samples, "<tr><td class=\"num\">"), "generations 0, 2 and 4 of the longest run");
        assertTrue(samples.contains("<td>-</td>"), "run a has no generation 4");
    }

    private static RunJson ofGrid(String id, String lr, String seed, double offset) {
        RunJson plain = run(id, 3, offset);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("lr", lr);
        settings.put("seed", seed);
        return new RunJson(id, plain.status(), plain.config(), plain.generations(), new RunGroup("grid-1", settings));
    }

    private static List<double[]> points(String chart, String runId) {
        Matcher m = Pattern.compile("<circle class=\"point\" data-run=\"" + runId
                + "\" cx=\"([0-9.]+)\" cy=\"([0-9.]+)\"").matcher(chart);
        List<double[]> points = new ArrayList<>();
        while (m.find()) {
            points.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
        }
        return points;
    }

    private static List<double[]> polyline(String chart, String start) {
        int from = chart.indexOf(start);
        String attribute = "points=\"";
        int pointsAt = chart.indexOf(attribute, from) + attribute.length();
        List<double[]> points = new ArrayList<>();
        for (String pair : chart.substring(pointsAt, chart.indexOf('"', pointsAt)).split(" ")) {
            String[] xy = pair.split(",");
            points.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
        }
        return points;
    }

    private static RunJson run(String id, int lastGeneration, double offset) {
        List<GenerationReport> generations = new ArrayList<>();
        for (int g = 0; g <= lastGeneration; g++) {
            double loss = 2.0 + g * 0.1;
            generations.add(new GenerationReport(g, 2.0, loss, 10 + g + offset, "whole", 1000L, loss / Math.log(2),
                    500.0 + g, loss, 10 + g + offset, loss / Math.log(2), 500.0 + g, 1000L, 0.9, 0.9 - g * 0.1, 0.95,
                    0.01 * g, 9 - g, 0.1, 0.0, 0, "%064x".formatted(g), "%064x".formatted(100 + g), "sample " + g,
                    1000, false));
        }
        return new RunJson(id, "max-generations", Presets.get("smoke"), generations);
    }

    private static List<String> charts(String html) {
        List<String> charts = new ArrayList<>();
        Matcher m = Pattern.compile("<svg .*?</svg>", Pattern.DOTALL).matcher(html);
        while (m.find()) {
            charts.add(m.group());
        }
        return charts;
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }
}
