package io.collapselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.experiment.CorpusSize;
import io.collapselab.experiment.MixingSettings;
import io.collapselab.experiment.TrainingSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class SweepOptionsTest {

    @Test
    void sweepsCorpusSizesRelativeToTheRealText() {
        List<SweepOptions.Variant> variants = variants("tokens-per-generation=2048,real-size, 0.5x real-size");

        assertEquals(List.of(CorpusSize.ofTokens(2048), CorpusSize.ofRealSize(1), CorpusSize.ofRealSize(0.5)),
                variants.stream().map(v -> v.config().sampling().tokensPerGeneration()).toList());
        assertEquals("smoke-tokens-per-generation-0.5x real-size", variants.get(2).label());
    }

    @Test
    void sweepsTheMixingPoliciesTheSubsampleIncluded() {
        List<SweepOptions.Variant> variants = variants("mixing=replace,accumulate,accumulate-subsample");

        assertEquals(List.of(MixingSettings.REPLACE, MixingSettings.ACCUMULATE, MixingSettings.ACCUMULATE_SUBSAMPLE),
                variants.stream().map(v -> v.config().mixing().policy()).toList());
    }

    @Test
    void sweepsEpochsPerGeneration() {
        List<SweepOptions.Variant> variants = variants("epochs-per-generation=1,2");

        assertEquals(List.of(TrainingSettings.EPOCHS, TrainingSettings.EPOCHS),
                variants.stream().map(v -> v.config().selfTraining().budget()).toList());
        assertEquals(List.of(1.0, 2.0), variants.stream().map(v -> v.config().selfTraining().epochs()).toList());
    }

    @Test
    void aCorpusSizeOfNoKnownFormIsABadSweep() {
        UsageError thrown = assertThrows(UsageError.class, () -> variants("tokens-per-generation=1024,lots"));

        assertTrue(thrown.getMessage().contains("was 'lots'"), thrown.getMessage());
    }

    private static List<SweepOptions.Variant> variants(String sweep) {
        SweepOptions options = new SweepOptions();
        options.sweep = sweep;
        return options.variants(new ExperimentOptions(), "smoke");
    }
}
