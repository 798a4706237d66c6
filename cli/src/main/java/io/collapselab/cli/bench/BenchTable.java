package io.collapselab.cli.bench;

import io.collapselab.lm.ComputeEnvironment;
import io.collapselab.lm.bench.Benchmark;
import io.collapselab.lm.bench.BenchmarkResult;
import io.collapselab.lm.bench.ModelSize;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The result of {@code collapse bench} for people: one row per size and thread count, with the PyTorch reference
 * beside the engine's figures where it ran, then notes on what the columns mean and on the conditions the numbers
 * were measured under.
 */
public final class BenchTable {

    private BenchTable() {
    }

    /**
     * Prints the table and its notes.
     *
     * @param order              the sizes in the order the rows list them (as asked for)
     * @param referenceAskedFor  whether {@code --torch-reference} was given, so that no reference reads as not asked
     *                           for rather than as failed
     */
    public static void print(PrintStream out, List<ModelSize> order, BenchResults bench, boolean referenceAskedFor) {
        printTable(out, order, bench.results(), bench.torchReference());
        printNotes(out, bench, referenceAskedFor);
    }

    private static void printTable(PrintStream out, List<ModelSize> order, List<BenchmarkResult> results,
                                   List<TorchReference> references) {
        Map<String, TorchReference> referenceByRow = new LinkedHashMap<>();
        references.forEach(r -> referenceByRow.put(r.size() + "@" + r.threads(), r));
        List<BenchmarkResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.<BenchmarkResult>comparingInt(r -> order.indexOf(r.size()))
                .thenComparingInt(BenchmarkResult::threads));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"size", "params", "thr", "train", "b1", "b1 kv", "b16", "b16 kv", "kv x b1",
            "kv x b16", "b16 x", "torch", "djl/torch", "mm djl/torch"});
        for (BenchmarkResult r : sorted) {
            int batch = Benchmark.BATCH_SIZE;
            double b1 = r.samplingSpeed(1, false);
            double b1Cached = r.samplingSpeed(1, true);
            double b16 = r.samplingSpeed(batch, false);
            double b16Cached = r.samplingSpeed(batch, true);
            double train = r.training().tokensPerSecond();
            TorchReference reference = referenceByRow.get(r.size().label() + "@" + r.threads());
            rows.add(new String[] {
                r.size().label(),
                parameters(r.parameters()),
                Integer.toString(r.threads()),
                speed(train),
                speed(b1),
                speed(b1Cached),
                speed(b16),
                speed(b16Cached),
                ratio(b1Cached / b1),
                ratio(b16Cached / b16),
                ratio(b16Cached / b1Cached),
                reference == null ? "-" : speed(reference.trainTokensPerSecond()),
                reference == null ? "-" : ratio(train / reference.trainTokensPerSecond()),
                reference == null ? "-" : ratio(r.matrixProducts().gflopsPerSecond()
                        / reference.matrixProductGflopsPerSecond())});
        }
        out.println("tokens per second (medians); DJL unless marked torch");
        printColumns(out, rows);
    }

    /** Prints {@code rows} as aligned columns: the first left-aligned, the others right-aligned. */
    public static void printColumns(PrintStream out, List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                String format = c == 0 ? "%-" + widths[c] + "s" : "  %" + widths[c] + "s";
                line.append(String.format(Locale.ROOT, format, row[c]));
            }
            out.println(line);
        }
    }

    private static void printNotes(PrintStream out, BenchResults bench, boolean referenceAskedFor) {
        out.println();
        out.println("train: training tokens/s (batch " + Benchmark.BATCH_SIZE + " x context per AdamW step)");
        out.println("b1, b1 kv, b16, b16 kv: sampled tokens/s at batch 1 and " + Benchmark.BATCH_SIZE + ", without "
                + "and with the KV cache; every sequence samples context-length tokens after a 1-token prompt, so "
                + "the window never slides");
        out.println("kv x b1, kv x b16: KV-cache speed-up at batch 1 and " + Benchmark.BATCH_SIZE + "; b16 x: batch "
                + Benchmark.BATCH_SIZE + " over batch 1 with the KV cache");
        out.println("torch: the same training step in PyTorch at the same threads (" + TorchReferenceRunner.SCRIPT
                + "); djl/torch: train over torch");
        out.println("mm djl/torch: the same ratio for the forward pass's matrix products alone, timed at the training"
                + " step's shapes: the speed of the BLAS each side links (most of a step is matrix products)");
        Set<String> engines = new LinkedHashSet<>();
        bench.results().forEach(r -> engines.add(r.engine()));
        out.println("engine: " + String.join(", ", engines));
        out.println("environment of every measuring process: " + ComputeEnvironment.forComputeProcess().entrySet()
                .stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(" ")));
        Set<String> torches = new LinkedHashSet<>();
        bench.torchReference().forEach(r -> torches.add("torch " + r.torch() + " on " + r.blas()
                + (r.blasLibrary().isEmpty() ? "" : " (" + r.blasLibrary() + ")")));
        printReference(out, referenceAskedFor, bench.torchReferenceSkipped(), torches);
        printLoad(out, bench.loadAverageAtStart(), bench.loadAverageAtEnd(), bench.cores());
    }

    /** Which PyTorch the reference ran on, or why there is none: not asked for, or skipped and why. */
    static void printReference(PrintStream out, boolean askedFor, String skipped, Set<String> torches) {
        if (!askedFor) {
            out.println("PyTorch reference: not asked for (--torch-reference)");
        } else if (skipped != null) {
            out.println("PyTorch reference skipped: " + skipped);
        } else if (!torches.isEmpty()) {
            out.println("PyTorch reference: " + String.join(", ", torches));
        }
    }

    /** The machine's load while measuring, with a warning when it was busy enough to spoil the numbers. */
    public static void printLoad(PrintStream out, double loadAtStart, double loadAtEnd, int cores) {
        if (loadAtStart < 0) {
            out.println("load average: not available on this system; other work on the machine makes these numbers "
                    + "lower and noisier");
            return;
        }
        out.printf(Locale.ROOT, "load average (1 min): %.2f at start, %.2f at end, on %d cores%n", loadAtStart,
                loadAtEnd, cores);
        if (loadAtStart >= cores / 2.0) {
            // Waiting for a busy core stalls every thread of a multi-threaded operation, so 2-thread numbers suffer
            // most; the table is still printed because a rough number beats none, but it must not pass as clean.
            out.println("warning: the machine was busy when the benchmark started; these numbers are lower and "
                    + "noisier than on a quiet machine, multi-threaded ones most");
        }
    }

    private static String speed(double tokensPerSecond) {
        return Double.isNaN(tokensPerSecond) ? "-" : String.format(Locale.ROOT, "%,.0f", tokensPerSecond);
    }

    public static String ratio(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.2fx", value) : "-";
    }

    private static String parameters(long count) {
        if (count >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2fM", count / 1e6);
        }
        return String.format(Locale.ROOT, "%.0fK", count / 1e3);
    }
}
