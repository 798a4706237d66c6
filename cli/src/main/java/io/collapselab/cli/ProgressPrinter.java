package io.collapselab.cli;

import io.collapselab.lm.loop.GenerationReport;
import io.collapselab.lm.loop.SelfTrainingLoop;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Live progress of an in-process loop on standard error: a line rewritten in place on a terminal, or a line every
 * few seconds in a log; one summary line per finished generation.
 */
final class ProgressPrinter implements SelfTrainingLoop.Listener {

    private static final long TERMINAL_INTERVAL_NANOS = 200_000_000L;
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final PrintStream out;
    private final int generations;
    private final boolean terminal;
    private long lastPrint;
    private boolean lineOpen;

    ProgressPrinter(PrintStream out, int generations) {
        this.out = out;
        this.generations = generations;
        this.terminal = System.console() != null;
    }

    @Override
    public void update(int generation, String phase, long done, long total) {
        long now = System.nanoTime();
        boolean phaseEnd = done == total;
        if (now - lastPrint < (terminal ? TERMINAL_INTERVAL_NANOS : LOG_INTERVAL_NANOS) && !(terminal && phaseEnd)) {
            return;
        }
        lastPrint = now;
        String line = String.format(Locale.ROOT, "generation %d/%d  %-8s %s %5.1f%%  (%d/%d %s)", generation,
                generations, phase, bar(done, total), 100.0 * done / Math.max(1, total), done, total,
                "train".equals(phase) ? "steps" : "tokens");
        if (terminal) {
            out.print("\r" + line + "   ");
            lineOpen = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void onGeneration(GenerationReport r) {
        if (lineOpen) {
            out.print("\r" + " ".repeat(100) + "\r");
            lineOpen = false;
        }
        out.printf(Locale.ROOT, "generation %d/%d done in %.1f s: held-out perplexity %.3f, distinct-2 %.3f, "
                        + "cycle %s%s%n", r.generation(), generations, r.wallMs() / 1000.0, r.heldoutPerplexity(),
                r.distinct2(), r.cycleLength() == 0 ? "none" : r.cycleLength() + " tokens",
                r.collapsed() ? "  [collapsed]" : "");
        out.flush();
    }

    private static String bar(long done, long total) {
        int width = 20;
        int filled = (int) (width * done / Math.max(1, total));
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }
}
