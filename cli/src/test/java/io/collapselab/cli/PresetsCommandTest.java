package io.collapselab.cli;

import static io.collapselab.cli.LoopCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.cli.LoopCommandTest.Result;
import io.collapselab.experiment.ExperimentJson;
import io.collapselab.experiment.Presets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PresetsCommandTest {

    @Test
    void listsEveryPresetWithWhatItIsFor() {
        Result result = run("presets");

        assertEquals(CollapseMain.OK, result.exitCode(), result.err());
        for (Presets.Preset preset : Presets.all()) {
            assertTrue(result.out().lines().anyMatch(line -> line.startsWith(preset.name() + " ")), preset.name());
            String firstWords = preset.description().substring(0, preset.description().indexOf(' ', 20));
            assertTrue(result.out().contains(firstWords), preset.name());
        }
        assertTrue(result.out().lines().allMatch(line -> line.length() <= 100), result.out());
    }

    @Test
    void printsAPresetAsAConfigFileThatLoopReadsBack(@TempDir Path dir) throws IOException {
        Result printed = run("presets", "smoke");
        Path file = dir.resolve("mine.json");
        Files.writeString(file, printed.out());

        assertEquals(CollapseMain.OK, printed.exitCode(), printed.err());
        assertEquals(Presets.get("smoke"), ExperimentJson.read(printed.out().getBytes(StandardCharsets.UTF_8)));
        Result loop = run("loop", "--config", file.toString(), "--generations", "-1", "--data-dir", "unused");
        assertEquals(CollapseMain.BAD_INPUT, loop.exitCode());
        assertEquals("collapse: invalid experiment: generations must be between 0 and 9999 (object keys hold four"
                + " digits), was -1", loop.err().strip());
    }

    @Test
    void anUnknownPresetIsOneLineNamingTheOnesThereAre() {
        Result result = run("presets", "tiny");

        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertEquals("collapse: unknown preset 'tiny'; choose one of smoke, demo, interventions, paper, paper-gpt2", result.err().strip());
    }
}
