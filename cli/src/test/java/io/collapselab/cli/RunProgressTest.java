package io.collapselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.cli.runs.RunListener;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.ProducerInfo;
import io.collapselab.events.RunInputs;
import io.collapselab.events.RunRequested;
import io.collapselab.experiment.Presets;
import io.collapselab.lm.loop.GenerationReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunProgressTest {

    private static final Instant START = Instant.parse("2026-01-05T10:00:00Z");
    private static final ProducerInfo TRAINER = new ProducerInfo("trainer-service", "trainer-1", "0.1.0");

    @Test
    void theBarSaysHowManyPublishedCheckpointsAwaitTheirEvaluation() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RunProgress progress = new RunProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of("r1"));
        RunListener listener = progress.listenerFor("r1");
        listener.onEvent(RunRequested.of("r1", START, new ProducerInfo("cli", "laptop", "0.1.0"),
                Presets.get("smoke").withGenerations(4), new RunInputs(ref("train"), ref("heldout"))));

        listener.onEvent(checkpoint(0));
        listener.onEvent(checkpoint(1));
        listener.onEvent(checkpoint(2));
        listener.onGeneration(generation(0));
        listener.onEvent(checkpoint(3));
        listener.onGeneration(generation(1));
        listener.onGeneration(generation(2));

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).contains("  1/5 ") && lines.get(0).contains("eval lag 2"), lines.get(0));
        assertTrue(lines.get(1).contains("  2/5 ") && lines.get(1).contains("eval lag 2"), lines.get(1));
        assertTrue(lines.get(2).contains("  3/5 ") && lines.get(2).contains("eval lag 1"), lines.get(2));
    }

    private static CheckpointPublished checkpoint(int g) {
        return CheckpointPublished.of("r1", g, START.plusSeconds(10L * g), TRAINER, ref("gen-" + g),
                g == 0 ? null : "c".repeat(64), "d".repeat(64), 40, 10_240, 2.0, 900);
    }

    private static GenerationReport generation(int g) {
        return new GenerationReport(g, 1, 1, 2.5, "whole", 100L, 1.5, 20.0, 1.0, 2.5, 1.5, 20.0, 100L, 0.5, 0.5,
                0.5, 0, 3, 0.1, 0.0, 0, "a".repeat(64), "b".repeat(64), "text", 30_000, false);
    }

    private static ObjectRef ref(String name) {
        return new ObjectRef("s3://collapse/runs/r1/" + name, "e".repeat(64), 10);
    }
}
