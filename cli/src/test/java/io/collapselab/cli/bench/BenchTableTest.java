package io.collapselab.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.lm.bench.BenchmarkResult;
import io.collapselab.lm.bench.BenchmarkResult.MatrixProductSpeed;
import io.collapselab.lm.bench.BenchmarkResult.SamplingSpeed;
import io.collapselab.lm.bench.BenchmarkResult.TrainingSpeed;
import io.collapselab.lm.bench.ModelSize;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code collapse bench} prints for given measurements, down to the byte. */
class BenchTableTest {

    private static final ModelSize BIG = new ModelSize(8, 8, 256, 256);
    private static final String MKL = "PyTorch 2.5.1 (MKL)";

    /** In the order the workers might report them, which is not the table's. */
    private static final List<BenchmarkResult> RESULTS = List.of(
            result(BIG, 6_400_123, 1, MKL, 1_234_567.8, 12.5, true),
            result(ModelSize.SMALL, 104_448, 2, MKL, 98_765.4, 7.25, false),
            result(ModelSize.SMALL, 104_448, 1, "PyTorch 2.5.1 (OpenBLAS)", 54_321, 3.5, true),
            result(BIG, 6_400_123, 2, MKL, 2_000_000, 20, true));

    /** None for two of the rows; a matrix-product speed of 0 makes a ratio that cannot be shown. */
    private static final List<TorchReference> REFERENCES = List.of(
            new TorchReference("2/2/64/64", 1, 16, 2, 5, 3, 40_000, 2.0, "1.13.1", "openblas", "libopenblas.so.0"),
            new TorchReference("8/8/256/256", 2, 16, 2, 5, 3, 1_000_000, 0, "1.13.1", "mkl", ""));

    private static final List<String> COLUMN_NOTES = List.of(
            "",
            "train: training tokens/s (batch 16 x context per AdamW step)",
            "b1, b1 kv, b16, b16 kv: sampled tokens/s at batch 1 and 16, without and with the KV cache; every sequence"
                    + " samples context-length tokens after a 1-token prompt, so the window never slides",
            "kv x b1, kv x b16: KV-cache speed-up at batch 1 and 16; b16 x: batch 16 over batch 1 with the KV cache",
            "torch: the same training step in PyTorch at the same threads (bench/torch_reference.py); djl/torch: train"
                    + " over torch",
            "mm djl/torch: the same ratio for the forward pass's matrix products alone, timed at the training step's"
                    + " shapes: the speed of the BLAS each side links (most of a step is matrix products)",
            "engine: PyTorch 2.5.1 (MKL), PyTorch 2.5.1 (OpenBLAS)",
            "environment of every measuring process: GLIBC_TUNABLES=glibc.malloc.arena_max=1"
                    + ":glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824 MKL_CBWR=AUTO"
                    + " MKL_DYNAMIC=FALSE OMP_DYNAMIC=FALSE");

    @Test
    void rowsFollowTheSizesAsAskedForThenTheThreadsWithTheReferenceBesideItsRow() {
        String printed = print(new BenchResults(2, 1.5, 0.25, false, "text", RESULTS, REFERENCES, null), true);

        List<String> expected = new ArrayList<>(List.of(
                "tokens per second (medians); DJL unless marked torch",
                "size         params  thr      train     b1  b1 kv     b16  b16 kv  kv x b1  kv x b16   b16 x"
                        + "      torch  djl/torch  mm djl/torch",
                "2/2/64/64      104K    1     54,321  1,235  4,321  15,000  61,235    3.50x     4.08x  14.17x"
                        + "     40,000      1.36x         1.75x",
                "2/2/64/64      104K    2     98,765    999  3,000       0       -    3.00x         -       -"
                        + "          -          -             -",
                "8/8/256/256   6.40M    1  1,234,568  1,235  4,321  15,000  61,235    3.50x     4.08x  14.17x"
                        + "          -          -             -",
                "8/8/256/256   6.40M    2  2,000,000  1,235  4,321  15,000  61,235    3.50x     4.08x  14.17x"
                        + "  1,000,000      2.00x             -"));
        expected.addAll(COLUMN_NOTES);
        expected.add("PyTorch reference: torch 1.13.1 on openblas (libopenblas.so.0), torch 1.13.1 on mkl");
        expected.add("load average (1 min): 1.50 at start, 0.25 at end, on 2 cores");
        expected.add("warning: the machine was busy when the benchmark started; these numbers are lower and noisier"
                + " than on a quiet machine, multi-threaded ones most");
        assertEquals(lines(expected), printed);
    }

    @Test
    void theFooterSaysWhyThereIsNoReferenceAndWhenTheLoadIsUnknown() {
        String notAskedFor = print(new BenchResults(16, -1, -1, false, "text", RESULTS, List.of(), null), false);
        assertTrue(notAskedFor.endsWith(lines(List.of(COLUMN_NOTES.get(COLUMN_NOTES.size() - 1),
                "PyTorch reference: not asked for (--torch-reference)",
                "load average: not available on this system; other work on the machine makes these numbers lower and"
                        + " noisier"))), notAskedFor);

        String skipped = print(new BenchResults(2, 0.5, 0.75, false, "text", RESULTS, List.of(),
                "'python3' cannot import torch (x)"), true);
        assertTrue(skipped.endsWith(lines(List.of("PyTorch reference skipped: 'python3' cannot import torch (x)",
                "load average (1 min): 0.50 at start, 0.75 at end, on 2 cores"))), skipped);
    }

    @Test
    void aReferenceThatRanNowhereLeavesNoReferenceLineAndAQuietMachineNoWarning() {
        String printed = print(new BenchResults(2, 0.99, 0.75, false, "text", RESULTS, List.of(), null), true);

        assertTrue(printed.endsWith(lines(List.of(COLUMN_NOTES.get(COLUMN_NOTES.size() - 1),
                "load average (1 min): 0.99 at start, 0.75 at end, on 2 cores"))), printed);
        assertFalse(printed.contains("PyTorch reference"), printed);
    }

    private static BenchmarkResult result(ModelSize size, long parameters, int threads, String engine,
                                          double trainTokensPerSecond, double gflops, boolean everySampling) {
        List<SamplingSpeed> sampling = everySampling
                ? List.of(new SamplingSpeed(1, false, 64, 3, 1234.5), new SamplingSpeed(1, true, 64, 3, 4321.25),
                        new SamplingSpeed(16, false, 64, 3, 15_000), new SamplingSpeed(16, true, 64, 3, 61_234.5))
                : List.of(new SamplingSpeed(1, false, 64, 3, 999.4), new SamplingSpeed(1, true, 64, 3, 2999.6),
                        new SamplingSpeed(16, false, 64, 3, 0));
        return new BenchmarkResult(size, parameters, threads, engine,
                new TrainingSpeed(16, 2, 5, 3, trainTokensPerSecond), new MatrixProductSpeed(10, 3, gflops), sampling);
    }

    private static String print(BenchResults bench, boolean referenceAskedFor) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BenchTable.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(ModelSize.SMALL, BIG), bench,
                referenceAskedFor);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String lines(List<String> lines) {
        return String.join(System.lineSeparator(), lines) + System.lineSeparator();
    }
}
