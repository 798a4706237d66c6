package io.collapselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.collapselab.lm.loop.GenerationReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

    private static final long SECOND = 1_000_000_000L;

    private static GenerationReport generation(int g) {
        return new GenerationReport(g, 1, 1, 2.5, "whole", 100L, 1.5, 20.0, 1.0, 2.5, 1.5, 20.0, 100L, 0.5, 0.5,
                0.5, 0, 3, 0.1, 0.0, 0, "a".repeat(64), "b".repeat(64), "text", 30_000, false);
    }

    @Test
    void linesSayTheElapsedTimeAndFromTheFirstFinishedGenerationOnTheTimeLeft() {
        AtomicLong clock = new AtomicLong(5 * SECOND);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressPrinter printer = new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), 3, false,
                clock::get);

        clock.addAndGet(10 * SECOND);
        printer.update(0, "train", 5, 10);
        clock.addAndGet(20 * SECOND);
        printer.onGeneration(generation(0));
        clock.addAndGet(15 * SECOND);
        printer.update(1, "sample", 50, 100);
        clock.addAndGet(15 * SECOND);
        printer.onGeneration(generation(1));
        clock.addAndGet(60 * SECOND);
        printer.onGeneration(generation(2));
        printer.onGeneration(generation(3));

        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(6, lines.length, String.join("\n", lines));
        assertEquals("generation 0/3  train    [##########..........]  50.0%  (5/10 steps)  elapsed 0m10s",
                lines[0]);
        // Generation 0 took 30 s: three more are estimated at 30 s each.
        assertEquals("generation 0/3 done in 30.0 s: held-out perplexity 2.500, distinct-2 0.500, cycle none"
                + "  elapsed 0m30s, ETA 1m30s", lines[1]);
        // 15 s into generation 1: 90 s for the three left, less those 15 s.
        assertEquals("generation 1/3  sample   [##########..........]  50.0%  (50/100 tokens)  elapsed 0m45s, "
                + "ETA 1m15s", lines[2]);
        assertEquals("  elapsed 1m00s, ETA 1m00s", lines[3].substring(lines[3].indexOf("  elapsed")));
        assertEquals("  elapsed 2m00s, ETA 0m40s", lines[4].substring(lines[4].indexOf("  elapsed")));
        assertEquals("  elapsed 2m00s", lines[5].substring(lines[5].indexOf("  elapsed")), "nothing left");
    }
}
