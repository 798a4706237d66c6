package io.collapselab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PresetsTest {

    @Test
    void everyPresetFileIsListedAndEveryListedPresetHasAFile() throws IOException, URISyntaxException {
        Path folder = Path.of(Presets.class.getClassLoader().getResource(Presets.FOLDER).toURI());
        try (Stream<Path> files = Files.list(folder)) {
            List<String> names = files.map(file -> file.getFileName().toString())
                    .map(file -> file.substring(0, file.length() - ".json".length()))
                    .sorted()
                    .toList();

            assertEquals(Presets.NAMES.stream().sorted().toList(), names);
        }
    }

    @Test
    void everyPresetIsValidNamedForItsFileAndDescribed() {
        for (Presets.Preset preset : Presets.all()) {
            assertEquals(List.of(), preset.config().problems(), preset.name());
            assertEquals(preset.name(), preset.config().name());
            assertFalse(preset.description().isBlank(), preset.name());
        }
    }

    @Test
    void aPresetsTextIsAConfigFileOfThatPreset() throws IOException {
        for (Presets.Preset preset : Presets.all()) {
            assertEquals(preset.config(), ExperimentJson.read(preset.json().getBytes(StandardCharsets.UTF_8)));
        }
    }

    /**
     * The smoke preset's numbers, spelled out: the tests of every module and the recorded digests of
     * {@code collapse loop --preset smoke} depend on exactly these.
     */
    @Test
    void theSmokePresetIsTheOneTheRecordedDigestsCameFrom() {
        assertEquals(new ExperimentConfig("smoke",
                new ModelSettings(1, 2, 32, 32, 0f, ModelSettings.BYTE_TOKENIZER, 0),
                new TrainingSettings(40, 8, 3e-3, 3e-3, TrainingSettings.CONSTANT, 0, 0.9, 0.95, 0.1, 1.0, false),
                new TrainingSettings(15, 8, 3e-3, 3e-3, TrainingSettings.CONSTANT, 0, 0.9, 0.95, 0.1, 1.0, true),
                2,
                new SamplingSettings(1024, 8, 1.0, 0, 1.0, "\n", true, SamplingSettings.FAST_WINDOW),
                new MixingSettings(MixingSettings.REPLACE, 0),
                new EvaluationSettings(16_384, 32, 0.1, 240, EvaluationSettings.WHOLE_TEXT, 100, 1),
                new CollapsePolicy(0.0, 0, false),
                1234), Presets.get("smoke"));
    }

    @Test
    void anUnknownPresetNamesTheOnesThereAre() {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> Presets.get("tiny"));

        assertEquals("unknown preset 'tiny'; choose one of smoke, demo, interventions, paper, paper-gpt2", thrown.getMessage());
    }
}
