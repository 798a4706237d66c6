package io.collapselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.collapselab.lm.loop.GenerationReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerationTableTest {

    private static final String DIGEST = "a".repeat(64);

    private static GenerationReport report(int generation, String method, Long tokens, Double bitsPerByte,
                                           Double wordPerplexity, Double wholePerplexity, Double unseen) {
        return new GenerationReport(generation, 2.5, 1.5, 4.4817, method, tokens, bitsPerByte, wordPerplexity,
                wholePerplexity == null ? null : Math.log(wholePerplexity), wholePerplexity,
                wholePerplexity == null ? null : 2.0, null, wholePerplexity == null ? null : 65_535L, 0.5, 0.25,
                0.125, 0.0625, 7.5, 0.03125, unseen, generation == 1 ? 5 : 0, DIGEST, DIGEST, "", 1500, false);
    }

    private static List<String> lines(List<GenerationReport> reports) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        GenerationTable.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), reports);
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void theWholeTextRunShowsItsFiguresPerTokenPerByteAndPerWord() {
        List<String> lines = lines(List.of(report(0, "whole", 65_535L, 2.25, 3906.25, 4.4817, 0.015625),
                report(1, "whole", 65_535L, 2.5, 1.234e12, 4.4817, 0.5)));

        assertEquals(List.of(
                " gen  train loss  held-out loss  perplexity  bits/byte   word ppl  distinct-1  distinct-2  distinct-3"
                        + "  repetition  entropy (bits)  tail mass  unseen  cycle  wall (s)",
                "   0      2.5000         1.5000       4.482     2.2500       3906      0.5000      0.2500      0.1250"
                        + "      0.0625           7.500     0.0313  0.0156      -       1.5",
                "   1      2.5000         1.5000       4.482     2.5000  1.234e+12      0.5000      0.2500      0.1250"
                        + "      0.0625           7.500     0.0313  0.5000      5       1.5",
                "held-out: the whole held-out text, 65535 tokens. Perplexity is per token of the run's tokenizer;"
                        + " bits/byte and word ppl are the same loss per byte and per word of the scored text."),
                lines);
    }

    @Test
    void theWindowEstimateRunShowsTheWholeTextWhereItWasMeasured() {
        List<String> lines = lines(List.of(report(0, "windows", 10_000L, 2.25, 3906.25, 4.9, 0.0),
                report(1, "windows", 10_000L, 2.5, 4000.0, null, 0.0)));

        assertEquals(" gen  train loss  held-out loss  perplexity  bits/byte   word ppl  whole ppl  distinct-1"
                + "  distinct-2  distinct-3  repetition  entropy (bits)  tail mass  unseen  cycle  wall (s)",
                lines.get(0));
        assertEquals("   0      2.5000         1.5000       4.482     2.2500       3906     4.9000      0.5000"
                + "      0.2500      0.1250      0.0625           7.500     0.0313  0.0000      -       1.5",
                lines.get(1));
        assertEquals("   1      2.5000         1.5000       4.482     2.5000       4000          -      0.5000"
                + "      0.2500      0.1250      0.0625           7.500     0.0313  0.0000      5       1.5",
                lines.get(2));
        assertEquals("held-out: the mean over random windows of the context length, 10000 tokens a generation; whole"
                + " ppl: the whole held-out text, where the schedule measures it. Perplexity is per token of the run's"
                + " tokenizer; bits/byte and word ppl are the same loss per byte and per word of the scored text.",
                lines.get(3));
    }

    /** Runs whose events were written before these figures existed. */
    @Test
    void figuresARunNeverRecordedShowAsDashes() {
        List<String> lines = lines(List.of(report(0, null, null, null, null, null, null)));

        assertEquals(2, lines.size(), "no note on a method the run did not record");
        assertEquals("   0      2.5000         1.5000       4.482          -          -      0.5000      0.2500"
                + "      0.1250      0.0625           7.500     0.0313       -      -       1.5",
                lines.get(1));
    }
}
