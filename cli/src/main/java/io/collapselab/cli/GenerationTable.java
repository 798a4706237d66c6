package io.collapselab.cli;

import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.lm.loop.GenerationReport;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The per-generation table printed when a run ends, and a line under it saying what the held-out columns measured.
 * The whole-text column appears only for runs whose held-out figure is the window estimate: otherwise it would
 * repeat the perplexity.
 */
final class GenerationTable {

    private GenerationTable() {
    }

    static void print(PrintStream out, List<GenerationReport> reports) {
        boolean windows = reports.stream().anyMatch(r -> EvaluationSettings.WINDOWS.equals(r.heldoutMethod()));
        out.println(" gen  train loss  held-out loss  perplexity  bits/byte   word ppl" + (windows ? "  whole ppl" : "")
                + "  distinct-1  distinct-2  distinct-3  repetition  entropy (bits)  tail mass  unseen  cycle"
                + "  wall (s)");
        for (GenerationReport r : reports) {
            out.printf(Locale.ROOT, "%4d  %10.4f  %13.4f  %10.3f  %9s  %9s%s  %10.4f  %10.4f  %10.4f  %10.4f  %14.3f"
                            + "  %9.4f  %6s  %5s  %8.1f%n", r.generation(), r.trainLoss(), r.heldoutLoss(),
                    r.heldoutPerplexity(), fixed(r.heldoutBitsPerByte()), wide(r.heldoutWordPerplexity()),
                    windows ? String.format(Locale.ROOT, "  %9s", fixed(r.wholeTextPerplexity())) : "",
                    r.distinct1(), r.distinct2(), r.distinct3(), r.repetition(), r.entropy(), r.tailMass(),
                    r.unseenWordShare() == null ? "-" : String.format(Locale.ROOT, "%.4f", r.unseenWordShare()),
                    r.cycleLength() == 0 ? "-" : Integer.toString(r.cycleLength()), r.wallMs() / 1000.0);
        }
        reports.stream().filter(r -> r.heldoutMethod() != null).findFirst()
                .ifPresent(r -> out.println(heldoutNote(r, windows)));
    }

    /** What the held-out columns are, in their units. */
    private static String heldoutNote(GenerationReport report, boolean windows) {
        String figure = windows
                ? "the mean over random windows of the context length, " + report.heldoutTokens()
                        + " tokens a generation; whole ppl: the whole held-out text, where the schedule measures it"
                : "the whole held-out text, " + report.heldoutTokens() + " tokens";
        return "held-out: " + figure + ". Perplexity is per token of the run's tokenizer; bits/byte and word ppl"
                + " are the same loss per byte and per word of the scored text.";
    }

    private static String fixed(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }

    /** Word perplexities run from a few hundred to beyond 10^12 as a model collapses. */
    private static String wide(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.4g", value);
    }
}
