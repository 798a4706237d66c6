package io.collapselab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CurationSettingsTest {

    private static ExperimentConfig curated(CurationSettings curation) {
        ExperimentConfig config = ConfigMutations.valid();
        return config.withSampling(config.sampling().withCuration(curation));
    }

    static Stream<Arguments> problems() {
        return Stream.of(
                Arguments.of(new CurationSettings(null, null, null, null), "sampling.curation sets no rule; set "
                        + "perplexityMin, perplexityMax, dedupeNgram or oversample, or remove it"),
                Arguments.of(new CurationSettings(0.5, null, null, null), "sampling.curation.perplexityMin must be a "
                        + "finite number >= 1 (no text has a perplexity below 1), was 0.5"),
                Arguments.of(new CurationSettings(null, Double.POSITIVE_INFINITY, null, null),
                        "sampling.curation.perplexityMax must be a finite number >= 1, was Infinity"),
                Arguments.of(new CurationSettings(8.0, 8.0, null, null),
                        "sampling.curation.perplexityMin must be below perplexityMax, were 8.0 and 8.0"),
                Arguments.of(new CurationSettings(null, null, 0, null),
                        "sampling.curation.dedupeNgram must be between 1 and 4096 tokens, was 0"),
                Arguments.of(new CurationSettings(2.0, 8.0, null, 17),
                        "sampling.curation.oversample must be between 1 and 16, was 17"),
                Arguments.of(new CurationSettings(2.0, null, null, 2), "sampling.curation.oversample keeps the "
                        + "samples nearest the perplexity band's centre; set both perplexityMin and perplexityMax"),
                Arguments.of(new CurationSettings(null, null, 16, 2), "sampling.curation.oversample keeps the "
                        + "samples nearest the perplexity band's centre; set both perplexityMin and perplexityMax"));
    }

    @ParameterizedTest
    @MethodSource("problems")
    void eachBrokenRuleIsNamed(CurationSettings curation, String problem) {
        assertEquals(List.of(problem), curated(curation).problems());
    }

    @Test
    void tooManySequencesAtOnceAreRefused() {
        ExperimentConfig config = ConfigMutations.valid();
        SamplingSettings s = config.sampling();
        SamplingSettings wide = new SamplingSettings(s.tokensPerGeneration(), 1024, s.temperature(), s.topK(),
                s.topP(), s.prompt(), s.kvCache(), s.window(), new CurationSettings(2.0, 8.0, null, 8));

        assertEquals(List.of("sampling.curation.oversample 8 times sampling.sequences 1024 samples more than 4096 "
                + "sequences at once; lower one"), config.withSampling(wide).problems());
    }

    @Test
    void everyRuleAloneAndAllTogetherAreValid() {
        assertEquals(List.of(), curated(new CurationSettings(1.5, null, null, null)).problems());
        assertEquals(List.of(), curated(new CurationSettings(null, 40.0, null, null)).problems());
        assertEquals(List.of(), curated(new CurationSettings(null, null, 32, null)).problems());
        assertEquals(List.of(), curated(new CurationSettings(2.0, 8.0, 32, 16)).problems());
    }

    @Test
    void theBandIncludesItsEndsAndAnAbsentEndLimitsNothing() {
        CurationSettings band = new CurationSettings(2.0, 8.0, null, null);

        assertTrue(band.inBand(2.0) && band.inBand(8.0));
        assertFalse(band.inBand(1.999) || band.inBand(8.001));
        assertTrue(new CurationSettings(null, 8.0, null, null).inBand(1.0));
        assertEquals(Math.log(4), band.logCentre(), 1e-12);
        assertTrue(Double.isNaN(new CurationSettings(2.0, null, null, null).logCentre()));
    }

    @Test
    void curationReadsBackAsWrittenAndAConfigWithoutItWritesNone() throws IOException {
        ExperimentConfig config = curated(new CurationSettings(2.0, 8.0, null, 2));

        String json = ExperimentJson.toPrettyJson(config);

        assertEquals(config, ExperimentJson.read(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(json.contains("\"curation\" : {\n      \"perplexityMin\" : 2.0,\n      \"perplexityMax\" : 8.0,\n"
                + "      \"oversample\" : 2\n    }"), json);
        assertFalse(ExperimentJson.toPrettyJson(ConfigMutations.valid()).contains("curation"),
                "older configs and their digests stay");
    }

    @Test
    void countsAddUpToTheSampledAndFitTheRules() {
        CurationSettings band = new CurationSettings(2.0, 8.0, null, 2);

        assertEquals(List.of(), new CurationCounts(16, 3, 0, 5, 8).problems(band, 8));
        assertEquals(List.of("curation counts of the dropped and the kept samples must add up to the 16 sampled, were "
                + "CurationCounts[sampled=16, droppedByPerplexity=3, droppedAsDuplicate=0, droppedAsSurplus=4, "
                + "kept=8]"), new CurationCounts(16, 3, 0, 4, 8).problems(band, 8));
        assertEquals(List.of("curation.sampled must be oversample x sampling.sequences = 16, was 8",
                "curation.droppedAsDuplicate must be 0 without dedupeNgram, was 1"),
                new CurationCounts(8, 0, 1, 0, 7).problems(band, 8));
        assertEquals(List.of("curation counts must not be negative and keep at least one sample, were "
                + "CurationCounts[sampled=16, droppedByPerplexity=16, droppedAsDuplicate=0, droppedAsSurplus=0, "
                + "kept=0]"), new CurationCounts(16, 16, 0, 0, 0).problems(band, 8));
    }

    @Test
    void everyInterventionGivesAValidExperimentAndNoneLeavesItAsItIs() {
        ExperimentConfig base = Presets.get(Interventions.PRESET);

        assertEquals(List.of("none", "kl-anchor", "real-gradient", "perplexity-filter", "mix-10", "accumulate"),
                Interventions.names());
        for (String name : Interventions.names()) {
            assertEquals(List.of(), Interventions.apply(name, base).problems(), name);
        }
        assertEquals(base, Interventions.apply("none", base));
        assertEquals(1.0, Interventions.apply("kl-anchor", base).selfTraining().klAnchor());
        assertEquals(new CurationSettings(2.0, 16.0, null, 2),
                Interventions.apply("perplexity-filter", base).sampling().curation());
        assertEquals(new MixingSettings(MixingSettings.MIX, 0.1), Interventions.apply("mix-10", base).mixing());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Interventions.apply("prayer", base));
        assertTrue(unknown.getMessage().startsWith("unknown intervention 'prayer'; choose one of none,"),
                unknown.getMessage());
    }
}
