package io.collapselab.cli.bench;

import io.collapselab.lm.bench.PaperGenerationResult;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The result of {@code collapse bench gpt2} for people: one row per thread count with each figure beside its target,
 * then what the columns mean and the conditions they were measured under.
 */
public final class PaperGenerationTable {

    /** One paper generation here over the same in PyTorch: at least as fast. */
    public static final double TARGET_OVER_TORCH = 1.0;
    /** {@code fast} sampling over {@code exact} at the paper's context. */
    public static final double TARGET_FAST_OVER_EXACT = 3.0;
    /** Cached batch-1 decoding's weight reads as a share of the measured read bandwidth. */
    public static final double TARGET_BANDWIDTH_SHARE = 0.5;

    private PaperGenerationTable() {
    }

    public static void print(PrintStream out, PaperGenerationResults bench, boolean referenceAskedFor) {
        List<PaperGenerationResult> sorted = new ArrayList<>(bench.results());
        sorted.sort(Comparator.comparingInt(PaperGenerationResult::threads));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"thr", "exact tok/s", "generation s", "torch s", "torch/ours", "fast tok/s",
            "fast/exact", "cached tok/s", "weights GB/s", "read GB/s", "share", "step s", "peak RSS",
            "torch RSS"});
        for (PaperGenerationResult r : sorted) {
            TorchPaperGeneration reference = bench.torchReference().stream()
                    .filter(t -> t.threads() == r.threads()).findFirst().orElse(null);
            rows.add(new String[] {
                Integer.toString(r.threads()),
                number(r.exactTokensPerSecond(), 1),
                number(r.generationSeconds(), 1),
                reference == null ? "-" : number(reference.generationSeconds(), 1),
                reference == null ? "-" : BenchTable.ratio(reference.generationSeconds() / r.generationSeconds()),
                number(r.fastTokensPerSecond(), 1),
                BenchTable.ratio(r.fastOverExact()),
                number(r.cachedTokensPerSecond(), 1),
                number(r.cachedTokensPerSecond() * r.weightBytesPerToken() / 1e9, 2),
                number(r.memoryBandwidthBytesPerSecond() / 1e9, 2),
                percent(r.cachedBandwidthShare()),
                number(r.trainingStepSeconds(), 2),
                mebibytes(r.peakResidentBytesAfterTraining()),
                reference == null ? "-" : mebibytes(reference.peakResidentBytesAfterTraining())});
        }
        PaperGenerationResult any = sorted.isEmpty() ? null : sorted.get(0);
        out.println(any == null ? "no results" : String.format(Locale.ROOT, "%s, %,d parameters, context 100; "
                + "%,d tokens sampled per measurement", any.model(), any.parameters(), any.sampledTokens()));
        BenchTable.printColumns(out, rows);
        out.println();
        out.printf(Locale.ROOT, "generation s: one paper generation, exact sampling of the tokens + one training step "
                + "(batch 1, context 100); torch s: the same as the paper's nanoGPT code runs it (%s); torch/ours: "
                + "how many times faster ours is (target >= %.1f)%n", TorchReferenceRunner.SCRIPT, TARGET_OVER_TORCH);
        out.printf(Locale.ROOT, "fast/exact: the fast window over the exact one, same tokens (target >= %.1fx)%n",
                TARGET_FAST_OVER_EXACT);
        out.printf(Locale.ROOT, "cached tok/s: batch-1 decoding through the KV cache within the context; weights "
                + "GB/s: the weight bytes it reads (%s per token); read GB/s: the engine summing a large array in the "
                + "same process; share: the two's ratio (target >= %.0f%%)%n",
                any == null ? "-" : mebibytes(any.weightBytesPerToken()), 100 * TARGET_BANDWIDTH_SHARE);
        out.println("peak RSS: the measuring process's peak resident memory after its training steps, before it "
                + "samples (model, AdamW state, one step's activations); torch RSS: the same for the reference");
        Set<String> engines = new LinkedHashSet<>();
        bench.results().forEach(r -> engines.add(r.engine()));
        out.println("engine: " + String.join(", ", engines));
        Set<String> torches = new LinkedHashSet<>();
        bench.torchReference().forEach(r -> torches.add("torch " + r.torch() + " on " + r.blas()));
        BenchTable.printReference(out, referenceAskedFor, bench.torchReferenceSkipped(), torches);
        BenchTable.printLoad(out, bench.loadAverageAtStart(), bench.loadAverageAtEnd(), bench.cores());
    }

    private static String number(double value, int decimals) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%,." + decimals + "f", value) : "-";
    }

    private static String percent(double share) {
        return Double.isFinite(share) ? String.format(Locale.ROOT, "%.0f%%", 100 * share) : "-";
    }

    private static String mebibytes(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
    }
}
