package io.collapselab.cli.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A line chart as inline SVG: one polyline per run over the generation axis, and for a setting repeated over several
 * seeds its mean as a bold line inside a band from the lowest to the highest seed, with round ticks on a linear or a
 * logarithmic value axis. Plain SVG with no script, so it renders in any browser and in a file opened without a
 * network; it scales to the width of its container. The legend is the page's, shared by every chart.
 */
final class SvgChart {

    static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
        "#17becf"};

    private static final int WIDTH = 640;
    private static final int HEIGHT = 300;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 28;
    private static final int BOTTOM = 44;
    private static final int VALUE_TICKS = 5;

    /**
     * One run's line: its points (generation, value), drawn thin where its setting's mean is drawn too.
     *
     * @param runId the run, named in the markup so that a line can be found by its run
     */
    record Series(String runId, String label, String color, boolean thin, List<double[]> points) {

        static <T> List<double[]> points(List<T> rows, ToDoubleFunction<T> generation, ToDoubleFunction<T> value) {
            return rows.stream()
                    .map(row -> new double[] {generation.applyAsDouble(row), value.applyAsDouble(row)})
                    .filter(p -> Double.isFinite(p[1]))
                    .toList();
        }
    }

    /** A setting's mean over its seeds, each point {generation, mean, lowest, highest}. */
    record Band(String setting, String color, List<double[]> points) {
    }

    private SvgChart() {
    }

    static String render(String title, String yLabel, List<Series> series, List<Band> bands, boolean logScale) {
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (logScale && !(p[1] > 0)) {
                    continue;
                }
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        if (!Double.isFinite(minX)) {
            minX = 0;
            maxX = 1;
            minY = 1;
            maxY = 10;
        }
        if (maxX == minX) {
            maxX = minX + 1;
        }
        ValueAxis axis = logScale ? ValueAxis.logarithmic(minY, maxY) : ValueAxis.linear(minY, maxY);
        Scale x = new Scale(minX, maxX, LEFT, WIDTH - RIGHT);

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                + "preserveAspectRatio=\"xMinYMin meet\" role=\"img\" aria-label=\"%s\" class=\"chart\">%n", WIDTH,
                HEIGHT, Html.escape(title)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" class=\"title\">%s</text>%n", LEFT,
                Html.escape(title)));
        axes(svg, x, axis, minX, maxX, yLabel);
        for (Band band : bands) {
            StringBuilder outline = new StringBuilder();
            StringBuilder mean = new StringBuilder();
            List<double[]> drawn = band.points().stream().filter(p -> !logScale || p[2] > 0).toList();
            for (double[] p : drawn) {
                outline.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.map(p[0]), axis.map(p[3])));
                mean.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.map(p[0]), axis.map(p[1])));
            }
            for (int i = drawn.size() - 1; i >= 0; i--) {
                double[] p = drawn.get(i);
                outline.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.map(p[0]), axis.map(p[2])));
            }
            svg.append(String.format(Locale.ROOT, "<polygon class=\"band\" data-setting=\"%s\" fill=\"%s\" "
                    + "fill-opacity=\"0.18\" stroke=\"none\" points=\"%s\"/>%n", Html.escape(band.setting()),
                    band.color(), outline.toString().strip()));
            svg.append(String.format(Locale.ROOT, "<polyline class=\"mean\" data-setting=\"%s\" fill=\"none\" "
                    + "stroke=\"%s\" stroke-width=\"3\" points=\"%s\"/>%n", Html.escape(band.setting()),
                    band.color(), mean.toString().strip()));
        }
        for (Series s : series) {
            List<double[]> drawn = s.points().stream().filter(p -> !logScale || p[1] > 0).toList();
            StringBuilder points = new StringBuilder();
            for (double[] p : drawn) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.map(p[0]), axis.map(p[1])));
            }
            svg.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-run=\"%s\" fill=\"none\" "
                    + "stroke=\"%s\" stroke-width=\"%s\"%s points=\"%s\"/>%n", Html.escape(s.runId()), s.color(),
                    s.thin() ? "1" : "2", s.thin() ? " stroke-opacity=\"0.5\"" : "", points.toString().strip()));
            for (double[] p : drawn) {
                svg.append(String.format(Locale.ROOT, "<circle class=\"point\" data-run=\"%s\" cx=\"%.1f\" "
                        + "cy=\"%.1f\" r=\"%s\" fill=\"%s\"><title>%s, generation %d: %s</title></circle>%n",
                        Html.escape(s.runId()), x.map(p[0]), axis.map(p[1]), s.thin() ? "2" : "3", s.color(),
                        Html.escape(s.label()), (long) p[0], format(p[1])));
            }
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void axes(StringBuilder svg, Scale x, ValueAxis y, double minX, double maxX, String yLabel) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>%n",
                LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>%n",
                LEFT, TOP, LEFT, HEIGHT - BOTTOM));
        double generationStep = niceStep((maxX - minX) / 10);
        for (double g = Math.ceil(minX / generationStep) * generationStep; g <= maxX; g += generationStep) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" "
                    + "text-anchor=\"middle\">%d</text>%n", x.map(g), HEIGHT - BOTTOM + 16, Math.round(g)));
        }
        for (double value : y.ticks()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"tick\" "
                    + "text-anchor=\"end\">%s</text>%n", LEFT - 6, y.map(value) + 4, tick(value)));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                    + "class=\"grid\"/>%n", LEFT, y.map(value), WIDTH - RIGHT, y.map(value)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"label\" "
                + "text-anchor=\"middle\">generation</text>%n", (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 8));
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" class=\"label\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 14 %d)\">%s</text>%n", (TOP + HEIGHT - BOTTOM) / 2,
                (TOP + HEIGHT - BOTTOM) / 2, Html.escape(yLabel)));
    }

    /** The smallest of 1, 2 and 5 times a power of ten that is at least {@code rough} (and at least 1e-12). */
    static double niceStep(double rough) {
        if (!(rough > 1e-12)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double multiple : new double[] {1, 2, 5, 10}) {
            if (multiple * power >= rough * (1 - 1e-9)) {
                return multiple * power;
            }
        }
        return 10 * power;
    }

    /** A tick's value in as few digits as it has: 0.05, 2.5, 40, 1000. */
    private static String tick(double value) {
        String text = String.format(Locale.ROOT, "%.6f", value).replaceAll("0+$", "").replaceAll("\\.$", "");
        return text.equals("-0") ? "0" : text;
    }

    private static String format(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 100) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (magnitude >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }

    /** The value axis: its range (widened to round ticks), its ticks, and the map from value to pixel. */
    private record ValueAxis(double from, double to, boolean log, List<Double> ticks) {

        /** Round ticks at a 1-2-5 step that span the values, the range ending on ticks. */
        static ValueAxis linear(double min, double max) {
            if (max == min) {
                double pad = Math.max(Math.abs(max) * 0.05, 0.5);
                min -= pad;
                max += pad;
            }
            double step = niceStep((max - min) / (VALUE_TICKS - 1));
            double from = Math.floor(min / step + 1e-9) * step;
            double to = Math.ceil(max / step - 1e-9) * step;
            List<Double> ticks = new ArrayList<>();
            for (long i = 0; from + i * step <= to + step * 1e-9; i++) {
                ticks.add(from + i * step);
            }
            return new ValueAxis(from, to, false, ticks);
        }

        /** Decades, with 2 and 5 between them where the values span less than two decades. */
        static ValueAxis logarithmic(double min, double max) {
            double low = Math.floor(Math.log10(min));
            double high = Math.ceil(Math.log10(max));
            if (high == low) {
                high = low + 1;
            }
            List<Double> ticks = new ArrayList<>();
            double[] multiples = high - low < 2 ? new double[] {1, 2, 5} : new double[] {1};
            for (double decade = low; decade <= high; decade++) {
                for (double multiple : multiples) {
                    double value = multiple * Math.pow(10, decade);
                    if (value <= Math.pow(10, high) * (1 + 1e-9)) {
                        ticks.add(value);
                    }
                }
            }
            return new ValueAxis(Math.pow(10, low), Math.pow(10, high), true, ticks);
        }

        double map(double value) {
            double share = log ? (Math.log10(value) - Math.log10(from)) / (Math.log10(to) - Math.log10(from))
                    : (value - from) / (to - from);
            return (HEIGHT - BOTTOM) + share * (TOP - (HEIGHT - BOTTOM));
        }
    }

    /** Linear map from data to pixels. */
    private record Scale(double from, double to, double pixelFrom, double pixelTo) {
        double map(double value) {
            return pixelFrom + (value - from) / (to - from) * (pixelTo - pixelFrom);
        }
    }
}
