package io.collapselab.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.lm.bench.PaperGenerationResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code collapse bench gpt2} prints and how its worker's result travels. */
class PaperGenerationTableTest {

    private static final long WEIGHT_BYTES = 400L << 20;

    /** 1,024 tokens at 8 tok/s plus a 2 s step: 130 s; the reference needs 195 s, so ours is 1.5x faster. */
    private static final PaperGenerationResult TWO_THREADS = new PaperGenerationResult("gpt2 (124M, random weights)",
            123_730_176, 2, "PyTorch 2.7.1 via DJL 0.36.0", WEIGHT_BYTES, 1024, 8, 40, 2, 130, 25,
            25 * WEIGHT_BYTES / 0.8, 3L << 30);
    private static final PaperGenerationResult ONE_THREAD = new PaperGenerationResult("gpt2 (124M, random weights)",
            123_730_176, 1, "PyTorch 2.7.1 via DJL 0.36.0", WEIGHT_BYTES, 1024, 4, 20, 4, 260, 12.5,
            12.5 * WEIGHT_BYTES / 0.5, -1);
    private static final TorchPaperGeneration REFERENCE = new TorchPaperGeneration(2, 1024, 5.3, 2, 195,
            2L << 30, "1.13.0", "OpenBLAS");

    @Test
    void printsARowPerThreadCountWithEveryRatioBesideItsTarget() {
        PaperGenerationResults bench = new PaperGenerationResults(2, 0.1, 0.2, false,
                List.of(TWO_THREADS, ONE_THREAD), List.of(REFERENCE), null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        PaperGenerationTable.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), bench, true);

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals("gpt2 (124M, random weights), 123,730,176 parameters, context 100; 1,024 tokens sampled per "
                + "measurement", lines.get(0));
        List<String> oneThread = List.of(lines.get(2).trim().split("\\s{2,}"));
        List<String> twoThreads = List.of(lines.get(3).trim().split("\\s{2,}"));
        assertEquals(List.of("1", "4.0", "260.0", "-", "-", "20.0", "5.00x", "12.5", "5.24", "10.49", "50%", "4.00",
                "-", "-"), oneThread);
        assertEquals(List.of("2", "8.0", "130.0", "195.0", "1.50x", "40.0", "5.00x", "25.0", "10.49", "13.11", "80%",
                "2.00", "3,072 MiB", "2,048 MiB"), twoThreads);
        assertTrue(lines.contains("PyTorch reference: torch 1.13.0 on OpenBLAS"), lines.toString());
        assertTrue(lines.get(lines.size() - 1).startsWith("load average (1 min): 0.10 at start"), lines.toString());
    }

    @Test
    void saysWhyTheReferenceIsMissing() {
        PaperGenerationResults bench = new PaperGenerationResults(2, 0.1, 0.2, true, List.of(ONE_THREAD), List.of(),
                "'python3' cannot import torch");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        PaperGenerationTable.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), bench, true);

        assertTrue(bytes.toString(StandardCharsets.UTF_8).lines()
                .anyMatch("PyTorch reference skipped: 'python3' cannot import torch"::equals));
    }

    @Test
    void aWorkersResultReadsBackAsTheSame() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        BenchWorkers.report(TWO_THREADS, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String line = bytes.toString(StandardCharsets.UTF_8).strip();
        assertEquals(TWO_THREADS, MeasuringProcess.parse(line.substring(line.indexOf(' ') + 1),
                PaperGenerationResult.class));
    }
}
