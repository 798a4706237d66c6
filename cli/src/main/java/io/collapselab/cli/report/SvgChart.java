package io.collapselab.cli.report;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A line chart as inline SVG: one polyline per series over the generation axis, with axes, ticks and a legend.
 * Plain SVG with no script, so it renders in any browser and in a file opened without a network.
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

    /** One line: a label and its points (generation, value). */
    record Series(String label, List<double[]> points) {

        static <T> Series of(String label, List<T> rows, ToDoubleFunction<T> generation, ToDoubleFunction<T> value) {
            return new Series(label, rows.stream()
                    .map(row -> new double[] {generation.applyAsDouble(row), value.applyAsDouble(row)})
                    .filter(p -> Double.isFinite(p[1]))
                    .toList());
        }
    }

    private SvgChart() {
    }

    static String render(String title, String yLabel, List<Series> series) {
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] p : s.points()) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        if (!Double.isFinite(minX)) {
            minX = 0;
            maxX = 1;
            minY = 0;
            maxY = 1;
        }
        if (maxX == minX) {
            maxX = minX + 1;
        }
        double padding = (maxY - minY) * 0.08;
        if (padding == 0) {
            padding = Math.max(Math.abs(maxY) * 0.05, 0.5);
        }
        minY -= padding;
        maxY += padding;
        Scale x = new Scale(minX, maxX, LEFT, WIDTH - RIGHT);
        Scale y = new Scale(minY, maxY, HEIGHT - BOTTOM, TOP);

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                + "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\" class=\"chart\">%n", WIDTH, HEIGHT,
                WIDTH, HEIGHT, Html.escape(title)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" class=\"title\">%s</text>%n", LEFT,
                Html.escape(title)));
        axes(svg, x, y, minX, maxX, minY, maxY, yLabel);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String color = PALETTE[i % PALETTE.length];
            StringBuilder points = new StringBuilder();
            for (double[] p : s.points()) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.map(p[0]), y.map(p[1])));
            }
            svg.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-run=\"%s\" fill=\"none\" "
                    + "stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n", Html.escape(s.label()), color,
                    points.toString().strip()));
            for (double[] p : s.points()) {
                svg.append(String.format(Locale.ROOT, "<circle class=\"point\" data-run=\"%s\" cx=\"%.1f\" "
                        + "cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s, generation %d: %s</title></circle>%n",
                        Html.escape(s.label()), x.map(p[0]), y.map(p[1]), color, Html.escape(s.label()),
                        (long) p[0], format(p[1])));
            }
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
                    + "fill=\"%s\"/><text x=\"%d\" y=\"%d\" class=\"legend\">%s</text>%n", WIDTH - RIGHT - 180,
                    TOP + 4 + 16 * i, color, WIDTH - RIGHT - 165, TOP + 13 + 16 * i, Html.escape(s.label())));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void axes(StringBuilder svg, Scale x, Scale y, double minX, double maxX, double minY,
                             double maxY, String yLabel) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>%n",
                LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>%n",
                LEFT, TOP, LEFT, HEIGHT - BOTTOM));
        long span = (long) Math.ceil(maxX - minX);
        long step = Math.max(1, span / 10);
        for (long g = (long) Math.ceil(minX); g <= maxX; g += step) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" "
                    + "text-anchor=\"middle\">%d</text>%n", x.map(g), HEIGHT - BOTTOM + 16, g));
        }
        for (int i = 0; i <= 4; i++) {
            double value = minY + (maxY - minY) * i / 4;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"tick\" "
                    + "text-anchor=\"end\">%s</text>%n", LEFT - 6, y.map(value) + 4, format(value)));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                    + "class=\"grid\"/>%n", LEFT, y.map(value), WIDTH - RIGHT, y.map(value)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"label\" "
                + "text-anchor=\"middle\">generation</text>%n", (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 8));
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" class=\"label\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 14 %d)\">%s</text>%n", (TOP + HEIGHT - BOTTOM) / 2,
                (TOP + HEIGHT - BOTTOM) / 2, Html.escape(yLabel)));
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

    /** Linear map from data to pixels. */
    private record Scale(double from, double to, double pixelFrom, double pixelTo) {
        double map(double value) {
            return pixelFrom + (value - from) / (to - from) * (pixelTo - pixelFrom);
        }
    }
}
