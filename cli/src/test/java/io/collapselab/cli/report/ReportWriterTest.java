package io.collapselab.cli.report;

import io.collapselab.cli.RunJson;
import io.collapselab.experiment.Presets;
import io.collapselab.lm.loop.GenerationReport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
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
        assertEquals(4, charts.size());
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

        String bitsPerByte = charts(html).get(1);
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
