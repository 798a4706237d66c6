package io.collapselab.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.cli.RunJson;
import io.collapselab.events.RunGroup;
import io.collapselab.experiment.Presets;
import io.collapselab.lm.loop.GenerationReport;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as a reader sees it: a grid's report opened in headless Chromium, which must render it without a
 * console error, draw its charts in their colors, and keep the data in its download links. Chromium is looked for in
 * {@code $CHROME_BIN} and on the path ({@code chromium}, {@code chromium-browser}, {@code google-chrome}); without
 * one the test is skipped and says so.
 */
class ReportInBrowserIT {

    private static final List<String> BROWSERS = List.of("chromium", "chromium-browser", "google-chrome");
    /** The flags a sandboxed, offline machine needs: no sandbox as root, and no background calls to the network. */
    private static final List<String> HEADLESS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--enable-logging=stderr", "--v=0");

    private static String browser;

    @BeforeAll
    static void findABrowser() {
        String configured = System.getenv("CHROME_BIN");
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            browser = configured;
            return;
        }
        String path = System.getenv().getOrDefault("PATH", "");
        browser = Stream.of(path.split(File.pathSeparator))
                .flatMap(dir -> BROWSERS.stream().map(name -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst().orElse(null);
    }

    @Test
    void aGridsReportRendersItsChartsWithoutErrorsAndCarriesItsData(@TempDir Path dir) throws Exception {
        assumeTrue(browser != null, "no Chromium found (set CHROME_BIN, or install Debian's chromium): the report "
                + "is not checked in a browser");
        List<RunJson> runs = new ArrayList<>();
        for (String lr : List.of("1e-3", "3e-3")) {
            for (int seed = 1; seed <= 3; seed++) {
                runs.add(run("grid-lr-" + lr + "-seed-" + seed, lr, seed, lr.equals("1e-3") ? 0 : 20));
            }
        }
        Path page = dir.resolve("report.html");
        Files.writeString(page, ReportWriter.render(runs));

        Browsed screenshot = browse(dir, "--window-size=1280,2000", "--screenshot=" + dir.resolve("shot.png"),
                page.toUri().toString());
        Browsed dom = browse(dir, "--dump-dom", page.toUri().toString());

        assertEquals(0, screenshot.exitCode(), screenshot.log());
        assertEquals(0, dom.exitCode(), dom.log());
        for (Browsed run : List.of(screenshot, dom)) {
            assertTrue(run.log().lines().noneMatch(line -> line.contains("CONSOLE") || line.contains("Uncaught")),
                    "no console messages: " + run.log());
        }
        String rendered = dom.output();
        assertEquals(5, count(rendered, "<svg"), "every chart is in the rendered page");
        assertEquals(2, count(rendered.substring(0, rendered.indexOf("</svg>")), "class=\"band\""),
                "a band per learning rate");

        BufferedImage image = ImageIO.read(dir.resolve("shot.png").toFile());
        assertTrue(pixelsNear(image, 0x1f77b4) > 300, "the first setting's lines are drawn in its color");
        assertTrue(pixelsNear(image, 0xd62728) > 300, "the second setting's lines are drawn in its color");

        Matcher json = Pattern.compile("download=\"runs.json\" href=\"data:application/json;base64,([A-Za-z0-9+/=]+)\"")
                .matcher(rendered);
        assertTrue(json.find(), "the JSON download is in the page");
        JsonNode saved = new ObjectMapper().readTree(Base64.getDecoder().decode(json.group(1)));
        assertEquals(6, saved.size());
        assertEquals("3e-3", saved.get(5).get("group").get("settings").get("lr").asText());
        Matcher csv = Pattern.compile("download=\"generations.csv\" href=\"data:text/csv;base64,([A-Za-z0-9+/=]+)\"")
                .matcher(rendered);
        assertTrue(csv.find(), "the CSV download is in the page");
        assertEquals(1 + 6 * 5, new String(Base64.getDecoder().decode(csv.group(1)), StandardCharsets.UTF_8).lines()
                .count(), "a header and a row per run and generation");
    }

    private record Browsed(int exitCode, String output, String log) {
    }

    private static Browsed browse(Path dir, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(browser));
        command.addAll(HEADLESS);
        command.add("--user-data-dir=" + Files.createTempDirectory(dir, "profile"));
        command.addAll(List.of(arguments));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path log = Files.createTempFile(dir, "log", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(log.toFile())
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the browser did not finish within 120 s: " + Files.readString(log));
        }
        return new Browsed(process.exitValue(), Files.readString(out), Files.readString(log));
    }

    private static long pixelsNear(BufferedImage image, int rgb) {
        long near = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int pixel = image.getRGB(x, y);
                int distance = Math.abs(((pixel >> 16) & 0xff) - ((rgb >> 16) & 0xff))
                        + Math.abs(((pixel >> 8) & 0xff) - ((rgb >> 8) & 0xff))
                        + Math.abs((pixel & 0xff) - (rgb & 0xff));
                if (distance < 40) {
                    near++;
                }
            }
        }
        return near;
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            count++;
        }
        return count;
    }

    private static RunJson run(String id, String lr, int seed, double offset) {
        List<GenerationReport> generations = new ArrayList<>();
        for (int g = 0; g <= 4; g++) {
            double loss = 2.0 + g * 0.1 + seed * 0.01;
            generations.add(new GenerationReport(g, 2.0, loss, 10 + 3 * g + offset + seed, "whole", 1000L,
                    loss / Math.log(2), 500.0 + g, loss, 10.0 + g, loss / Math.log(2), 500.0 + g, 1000L, 0.9,
                    0.9 - g * 0.1 - seed * 0.01, 0.95, 0.01 * g, 9 - g, 0.1, 0.0, 0, "%064x".formatted(g),
                    "%064x".formatted(100 + g), "sample " + g, 1000, false));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("lr", lr);
        settings.put("seed", Integer.toString(seed));
        return new RunJson(id, "max-generations", Presets.get("smoke"), generations, new RunGroup("grid", settings));
    }
}
