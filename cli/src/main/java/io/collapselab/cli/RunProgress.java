package io.collapselab.cli;

import io.collapselab.cli.runs.RunListener;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.RunRequested;
import io.collapselab.lm.loop.GenerationReport;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One progress bar per run while the services work: generation reached, latest held-out perplexity and distinct-2,
 * how many generations the evaluator trails the trainer's checkpoints, and an estimate of the time left from the mean
 * time per generation so far. Redrawn in place on a terminal; a line
 * per finished generation in a log.
 */
final class RunProgress {

    private final PrintStream out;
    private final boolean terminal;
    private final Map<String, State> runs = new LinkedHashMap<>();
    private int linesDrawn;

    private static final class State {
        int generations = -1;
        long startedNanos = System.nanoTime();
        GenerationReport latest;
        int done;
        int newestCheckpoint = -1;
        String status = "waiting";
    }

    RunProgress(PrintStream out, List<String> runIds) {
        this.out = out;
        this.terminal = System.console() != null;
        runIds.forEach(id -> runs.put(id, new State()));
    }

    RunListener listenerFor(String runId) {
        return new RunListener() {
            @Override
            public void onEvent(CollapseEvent event) {
                State state = runs.get(runId);
                synchronized (RunProgress.this) {
                    if (event instanceof RunRequested requested) {
                        state.generations = requested.config().generations();
                        state.status = "running";
                    } else if (event instanceof CheckpointPublished checkpoint) {
                        state.newestCheckpoint = Math.max(state.newestCheckpoint, checkpoint.generation());
                    }
                    redraw(null);
                }
            }

            @Override
            public void onGeneration(GenerationReport report) {
                State state = runs.get(runId);
                synchronized (RunProgress.this) {
                    state.latest = report;
                    state.done = report.generation() + 1;
                    redraw(runId);
                }
            }
        };
    }

    /** A line for the reader above the bars, which are drawn again below it. */
    synchronized void note(String text) {
        if (terminal && linesDrawn > 0) {
            out.print("\033[" + linesDrawn + "A\r\033[2K");
            linesDrawn = 0;
        }
        out.println(text);
        if (terminal) {
            redraw(null);
        }
        out.flush();
    }

    synchronized void finish(String runId, String status) {
        runs.get(runId).status = status;
        redraw(null);
    }

    private void redraw(String finishedRun) {
        if (!terminal) {
            if (finishedRun != null) {
                out.println(line(finishedRun, runs.get(finishedRun)));
            }
            return;
        }
        if (linesDrawn > 0) {
            out.print("\033[" + linesDrawn + "A");
        }
        runs.forEach((id, state) -> out.print("\r\033[2K" + line(id, state) + "\n"));
        linesDrawn = runs.size();
        out.flush();
    }

    private static String line(String runId, State state) {
        int total = state.generations < 0 ? 0 : state.generations + 1;
        int width = 24;
        int filled = total == 0 ? 0 : width * state.done / total;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-28s [%s%s] %3d/%-3s", runId,
                "#".repeat(filled), ".".repeat(width - filled), state.done, total == 0 ? "?" : total));
        if (state.latest != null) {
            line.append(String.format(Locale.ROOT, "  ppl %8.3f  distinct-2 %.3f", state.latest.heldoutPerplexity(),
                    state.latest.distinct2()));
            if (state.done < total) {
                line.append(String.format(Locale.ROOT, "  eval lag %d", evaluatorLag(state)));
                double perGeneration = (System.nanoTime() - state.startedNanos) / 1e9 / state.done;
                line.append(String.format(Locale.ROOT, "  ETA %s", duration(perGeneration * (total - state.done))));
            }
        }
        line.append("  ").append(state.status);
        return line.toString();
    }

    /**
     * Checkpoints published whose generation is not evaluated yet: 1 while a generation's corpus is sampled, more when
     * the evaluator falls behind the trainer.
     */
    private static int evaluatorLag(State state) {
        return Math.max(0, state.newestCheckpoint + 1 - state.done);
    }

    /** {@code 4m05s}, or {@code 1h02m} from an hour on. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
