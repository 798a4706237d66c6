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
        assertEquals(3, charts.size());
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
        GenerationReport hostile = new GenerationReport(0, 1, 1, 2.7, 0.5, 0.5, 0.5, 0, 3, 0.1, 0, "a".repeat(64),
                "b".repeat(64), "<script>alert(1)</script> & more", 10, false);
        String html = ReportWriter.render(List.of(new RunJson("r", "max-generations", Presets.get("smoke"),
                List.of(hostile))));
        assertFalse(html.contains("<script"), "text must be escaped");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
        assertFalse(html.contains("http://") && !html.contains("http://www.w3.org/2000/svg"),
                "no external resources");
        assertFalse(Pattern.compile("(src|href)=\"https?:").matcher(html).find(), "no external resources");
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
            generations.add(new GenerationReport(g, 2.0, 2.0 + g * 0.1, 10 + g + offset, 0.9, 0.9 - g * 0.1, 0.95,
                    0.01 * g, 9 - g, 0.1, 0, "%064x".formatted(g), "%064x".formatted(100 + g), "sample " + g, 1000,
                    false));
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
