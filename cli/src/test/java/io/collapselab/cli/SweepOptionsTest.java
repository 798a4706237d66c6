package io.collapselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.events.RunGroup;
import io.collapselab.experiment.CorpusSize;
import io.collapselab.experiment.CurationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.Interventions;
import io.collapselab.experiment.MixingSettings;
import io.collapselab.experiment.Presets;
import io.collapselab.experiment.TrainingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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
    void sweepsTheRulesOfCuration() {
        List<SweepOptions.Variant> variants = variants("perplexity-max=8,40");
        SweepOptions options = new SweepOptions();
        options.sweeps = List.of("oversample=1,2", "dedupe-ngram=32");
        ExperimentOptions banded = new ExperimentOptions();
        banded.perplexityMin = 2.0;
        banded.perplexityMax = 8.0;
        List<SweepOptions.Variant> oversampled = options.variants(banded, "smoke");

        assertEquals(List.of(new CurationSettings(null, 8.0, null, null), new CurationSettings(null, 40.0, null, null)),
                variants.stream().map(v -> v.config().sampling().curation()).toList());
        assertEquals(List.of(new CurationSettings(2.0, 8.0, 32, 1), new CurationSettings(2.0, 8.0, 32, 2)),
                oversampled.stream().map(v -> v.config().sampling().curation()).toList());
    }

    @Test
    void theInterventionsPresetIsAGridOfEveryInterventionOverThreeSeeds() {
        ExperimentOptions experiment = new ExperimentOptions();
        experiment.source.preset = Interventions.PRESET;
        SweepOptions options = new SweepOptions();

        List<SweepOptions.Variant> variants = options.variants(experiment, "demo");

        assertEquals(18, variants.size());
        ExperimentConfig base = Presets.get(Interventions.PRESET);
        List<String> expected = new ArrayList<>();
        for (String intervention : Interventions.names()) {
            for (long seed = base.seed(); seed < base.seed() + 3; seed++) {
                expected.add(intervention + " " + seed);
            }
        }
        assertEquals(expected, variants.stream().map(v -> v.group().settings().get(SweepOptions.INTERVENTION) + " "
                + v.group().settings().get(RunGroup.SEED)).toList());
        assertEquals(1, variants.stream().map(v -> v.group().id()).distinct().count(), "one group");
        SweepOptions.Variant kl = variants.get(3);
        assertEquals(Interventions.apply("kl-anchor", base.withSeed(base.seed())), kl.config());
        assertEquals("interventions-kl-anchor-seed-" + base.seed(), kl.label());
        assertEquals(new MixingSettings(MixingSettings.ACCUMULATE, 0), variants.get(17).config().mixing());
        assertNull(variants.get(0).config().selfTraining().klAnchor(), "each run has its own intervention alone");
        assertNull(variants.get(6).config().selfTraining().klAnchor());
    }

    @Test
    void aSweepOfInterventionsPicksSomeAndAppliesToAnyPreset() {
        SweepOptions options = new SweepOptions();
        options.sweeps = List.of("intervention=none,perplexity-filter");
        ExperimentOptions experiment = new ExperimentOptions();
        experiment.source.preset = Interventions.PRESET;

        List<SweepOptions.Variant> two = options.variants(experiment, "demo");
        List<SweepOptions.Variant> smoke = variants("intervention=mix-10");

        assertEquals(6, two.size(), "two interventions over the preset's three seeds");
        assertNull(two.get(0).config().sampling().curation());
        assertEquals(2, two.get(3).config().sampling().curation().oversample());
        assertEquals(new MixingSettings(MixingSettings.MIX, 0.1), smoke.get(0).config().mixing());
        assertEquals("smoke-mix-10", smoke.get(0).label());
        UsageError unknown = assertThrows(UsageError.class, () -> variants("intervention=hope"));
        assertTrue(unknown.getMessage().contains("unknown intervention 'hope'; choose from none, kl-anchor,"),
                unknown.getMessage());
        assertEquals(String.join(", ", Interventions.names()), SweepOptions.INTERVENTIONS_LISTED,
                "the help lists every intervention");
    }

    @Test
    void aCorpusSizeOfNoKnownFormIsABadSweep() {
        UsageError thrown = assertThrows(UsageError.class, () -> variants("tokens-per-generation=1024,lots"));

        assertTrue(thrown.getMessage().contains("was 'lots'"), thrown.getMessage());
    }

    @Test
    void sweepsTheAnchorsOfSelfTraining() {
        List<SweepOptions.Variant> kl = variants("kl-anchor=0,0.5");
        List<SweepOptions.Variant> real = variants("real-gradient-weight=1");

        assertEquals(List.of(0.0, 0.5), kl.stream().map(v -> v.config().selfTraining().klAnchor()).toList());
        assertFalse(kl.get(0).config().selfTraining().anchored(), "a weight of 0 is the plain objective");
        assertEquals(1.0, real.get(0).config().selfTraining().realGradientWeight());
        assertNull(real.get(0).config().selfTraining().klAnchor());
    }

    @Test
    void aRunOnItsOwnBelongsToNoGroup() {
        List<SweepOptions.Variant> variants = new SweepOptions().variants(new ExperimentOptions(), "smoke");

        assertEquals(1, variants.size());
        assertNull(variants.get(0).group());
    }

    @Test
    void twoSweepsMakeAGridOfEveryCombinationAndSeedsRepeatEachOne() {
        SweepOptions options = new SweepOptions();
        options.sweeps = List.of("lr=1e-3,3e-3", "mixing=replace,accumulate");
        options.seeds = "3";

        List<SweepOptions.Variant> variants = options.variants(new ExperimentOptions(), "smoke");

        assertEquals(12, variants.size());
        SweepOptions.Variant last = variants.get(11);
        assertEquals(Map.of("lr", "3e-3", "mixing", "accumulate", "seed", "1236"), last.group().settings());
        assertEquals(List.of("lr", "mixing", "seed"), List.copyOf(last.group().settings().keySet()));
        assertEquals(3e-3, last.config().selfTraining().learningRate());
        assertEquals(MixingSettings.ACCUMULATE, last.config().mixing().policy());
        assertEquals(1236, last.config().seed());
        assertEquals("smoke-lr-3e-3-mixing-accumulate-seed-1236", last.label());
        // The smoke preset's seed is 1234: three seeds count up from it, innermost, for every setting.
        assertEquals(List.of(1234L, 1235L, 1236L, 1234L),
                variants.subList(0, 4).stream().map(v -> v.config().seed()).toList());
        assertEquals(Set.of(variants.get(0).group().id()),
                variants.stream().map(v -> v.group().id()).collect(Collectors.toSet()));
        assertTrue(variants.get(0).group().id().startsWith("smoke-grid-"), variants.get(0).group().id());
        for (SweepOptions.Variant variant : variants) {
            assertTrue(variant.config().problems().isEmpty(), variant.config().problems().toString());
        }
    }

    @Test
    void seedsCanBeListedAndTheGroupNamed() {
        SweepOptions options = new SweepOptions();
        options.seeds = "7, 11";
        options.group = "my-grid";

        List<SweepOptions.Variant> variants = options.variants(new ExperimentOptions(), "smoke");

        assertEquals(List.of(7L, 11L), variants.stream().map(v -> v.config().seed()).toList());
        assertEquals(List.of("my-grid", "my-grid"), variants.stream().map(v -> v.group().id()).toList());
        assertEquals(List.of(Map.of("seed", "7"), Map.of("seed", "11")),
                variants.stream().map(v -> v.group().settings()).toList());
    }

    @Test
    void badGridsAreRefusedBeforeAnythingIsSubmitted() {
        assertUsageError("both set the seeds", options -> {
            options.sweeps = List.of("seed=1,2");
            options.seeds = "2";
        });
        assertUsageError("given twice", options -> options.sweeps = List.of("lr=1e-3", "lr=3e-3"));
        assertUsageError("distinct", options -> options.sweeps = List.of("lr=1e-3,1e-3"));
        assertUsageError("a count or a list", options -> options.seeds = "many");
        assertUsageError("more than 256", options -> {
            options.sweeps = List.of("lr=" + IntStream.rangeClosed(1, 100).mapToObj(i -> i + "e-5")
                    .collect(Collectors.joining(",")));
            options.seeds = "3";
        });
        assertUsageError("invalid --group", options -> {
            options.seeds = "2";
            options.group = "Not_A_Group";
        });
        assertUsageError("names the runs of a grid", options -> options.group = "lonely");
    }

    private static void assertUsageError(String expected, Consumer<SweepOptions> setUp) {
        SweepOptions options = new SweepOptions();
        setUp.accept(options);
        UsageError thrown = assertThrows(UsageError.class, () -> options.variants(new ExperimentOptions(), "smoke"));
        assertTrue(thrown.getMessage().contains(expected), thrown.getMessage());
    }

    private static List<SweepOptions.Variant> variants(String sweep) {
        SweepOptions options = new SweepOptions();
        options.sweeps = List.of(sweep);
        return options.variants(new ExperimentOptions(), "smoke");
    }
}
