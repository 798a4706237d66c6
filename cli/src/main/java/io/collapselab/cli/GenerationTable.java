package io.collapselab.cli;

import io.collapselab.lm.loop.GenerationReport;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** The per-generation table printed when a run ends. */
final class GenerationTable {

    private GenerationTable() {
    }

    static void print(PrintStream out, List<GenerationReport> reports) {
        out.println(" gen  train loss  held-out loss  perplexity  distinct-1  distinct-2  distinct-3  repetition"
                + "  entropy (bits)  tail mass  cycle  wall (s)");
        for (GenerationReport r : reports) {
            out.printf(Locale.ROOT, "%4d  %10.4f  %13.4f  %10.3f  %10.4f  %10.4f  %10.4f  %10.4f  %14.3f  %9.4f"
                            + "  %5s  %8.1f%n", r.generation(), r.trainLoss(), r.heldoutLoss(),
                    r.heldoutPerplexity(), r.distinct1(), r.distinct2(), r.distinct3(), r.repetition(), r.entropy(),
                    r.tailMass(), r.cycleLength() == 0 ? "-" : Integer.toString(r.cycleLength()),
                    r.wallMs() / 1000.0);
        }
    }
}
