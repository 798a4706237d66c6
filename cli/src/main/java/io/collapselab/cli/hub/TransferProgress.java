package io.collapselab.cli.hub;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A download's progress on standard error, {@code model.safetensors [####......] 12.3 MB / 548.1 MB 4.2 MB/s}: one
 * line rewritten in place on a terminal, a line every few seconds in a log. The rate counts only what this run
 * received, not what an interrupted one left behind.
 */
public final class TransferProgress implements TransferListener {

    private static final long TERMINAL_INTERVAL_NANOS = 200_000_000L;
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final int BAR_WIDTH = 20;

    private final PrintWriter err;
    private final boolean terminal;
    private long startedNanos;
    private long startedAt;
    private long lastPrintNanos;
    private boolean lineOpen;

    public TransferProgress(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public void started(String file, long offset, long total) {
        closeLine();
        if (offset > 0) {
            err.println(file + ": resuming after " + ByteSizes.of(offset) + (total >= 0 ? " of "
                    + ByteSizes.of(total) : ""));
        }
        startedNanos = System.nanoTime();
        startedAt = offset;
        lastPrintNanos = startedNanos;
        err.flush();
    }

    @Override
    public void transferred(String file, long done, long total) {
        long now = System.nanoTime();
        if (now - lastPrintNanos >= (terminal ? TERMINAL_INTERVAL_NANOS : LOG_INTERVAL_NANOS)) {
            lastPrintNanos = now;
            print(line(file, done, total, now));
        }
    }

    @Override
    public void broke(String file, long done, String reason) {
        closeLine();
        err.println(file + ": the connection broke off after " + ByteSizes.of(done) + " (" + reason
                + "); retrying");
        err.flush();
    }

    @Override
    public void finished(String file, long done) {
        print(line(file, done, done, System.nanoTime()));
        closeLine();
    }

    private String line(String file, long done, long total, long now) {
        double seconds = (now - startedNanos) / 1e9;
        String rate = seconds > 0 ? ByteSizes.of(Math.round((done - startedAt) / seconds)) + "/s" : "";
        if (total < 0) {
            return String.format(Locale.ROOT, "%s  %s  %s", file, ByteSizes.of(done), rate);
        }
        int filled = (int) Math.min(BAR_WIDTH, BAR_WIDTH * done / Math.max(1, total));
        return String.format(Locale.ROOT, "%s  [%s%s]  %s / %s  %s", file, "#".repeat(filled),
                ".".repeat(BAR_WIDTH - filled), ByteSizes.of(done), ByteSizes.of(total), rate);
    }

    private void print(String line) {
        if (terminal) {
            err.print("\r" + line + "   ");
            lineOpen = true;
        } else {
            err.println(line);
        }
        err.flush();
    }

    private void closeLine() {
        if (lineOpen) {
            err.println();
            lineOpen = false;
        }
    }
}
