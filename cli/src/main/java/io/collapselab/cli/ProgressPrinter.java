package io.collapselab.cli;

import io.collapselab.lm.loop.GenerationReport;
import io.collapselab.lm.loop.SelfTrainingLoop;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Live progress of an in-process loop on standard error: a line rewritten in place on a terminal, or a line every
 * few seconds in a log; one summary line per finished generation. Each says the time since the loop started and,
 * from the first finished generation on, an estimate of the time left from the mean time per generation so far.
 */
final class ProgressPrinter implements SelfTrainingLoop.Listener {

    private static final long TERMINAL_INTERVAL_NANOS = 200_000_000L;
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final PrintStream out;
    private final int generations;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private final long startedNanos;
    private int finished;
    private long lastFinishedNanos;
    private long lastPrint;
    private boolean lineOpen;

    ProgressPrinter(PrintStream out, int generations) {
        this(out, generations, System.console() != null, System::nanoTime);
    }

    /** @param nanoTime the clock; a test's own makes the printed times known */
    ProgressPrinter(PrintStream out, int generations, boolean terminal, LongSupplier nanoTime) {
        this.out = out;
        this.generations = generations;
        this.terminal = terminal;
        this.nanoTime = nanoTime;
        this.startedNanos = nanoTime.getAsLong();
        this.lastPrint = startedNanos - LOG_INTERVAL_NANOS;
    }

    @Override
    public void update(int generation, String phase, long done, long total) {
        long now = nanoTime.getAsLong();
        boolean phaseEnd = done == total;
        if (now - lastPrint < (terminal ? TERMINAL_INTERVAL_NANOS : LOG_INTERVAL_NANOS) && !(terminal && phaseEnd)) {
            return;
        }
        lastPrint = now;
        String line = String.format(Locale.ROOT, "generation %d/%d  %-8s %s %5.1f%%  (%d/%d %s)", generation,
                generations, phase, bar(done, total), 100.0 * done / Math.max(1, total), done, total,
                "train".equals(phase) ? "steps" : "tokens") + times(now);
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
        finished++;
        lastFinishedNanos = nanoTime.getAsLong();
        out.printf(Locale.ROOT, "generation %d/%d done in %.1f s: held-out perplexity %.3f, distinct-2 %.3f, "
                        + "cycle %s%s%s%n", r.generation(), generations, r.wallMs() / 1000.0, r.heldoutPerplexity(),
                r.distinct2(), r.cycleLength() == 0 ? "none" : r.cycleLength() + " tokens",
                r.collapsed() ? "  [collapsed]" : "", times(nanoTime.getAsLong()));
        out.flush();
    }

    /**
     * Generations 0 to {@code generations}: the time left assumes each unfinished one takes the mean of the finished,
     * less what the one under way has taken so far.
     */
    private String times(long now) {
        String times = "  elapsed " + RunProgress.duration((now - startedNanos) / 1e9);
        int left = generations + 1 - finished;
        if (finished == 0 || left <= 0) {
            return times;
        }
        double meanSeconds = (lastFinishedNanos - startedNanos) / 1e9 / finished;
        double underWaySeconds = (now - lastFinishedNanos) / 1e9;
        return times + ", ETA " + RunProgress.duration(Math.max(0, meanSeconds * left - underWaySeconds));
    }

    private static String bar(long done, long total) {
        int width = 20;
        int filled = (int) (width * done / Math.max(1, total));
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }
}
