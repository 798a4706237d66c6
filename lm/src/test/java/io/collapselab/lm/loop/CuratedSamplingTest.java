package io.collapselab.lm.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.experiment.CurationCounts;
import io.collapselab.experiment.CurationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.Presets;
import io.collapselab.lm.RealText;
import io.collapselab.lm.metrics.HeldoutEvaluator;
import io.collapselab.lm.model.Checkpoint;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.random.SeedRole;
import io.collapselab.lm.sample.SampleRequest;
import io.collapselab.lm.sample.SampleResult;
import io.collapselab.lm.sample.Sampler;
import io.collapselab.lm.sample.SamplingWindow;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Curation on a real model: a rule that drops nothing leaves the loop bit for bit as it was, and a perplexity band
 * keeps exactly the samples whose perplexity, computed here under generation 0, lies in it.
 */
class CuratedSamplingTest {

    private static final ExperimentConfig SMOKE = Presets.get("smoke").withGenerations(1);
    /** Every perplexity lies in it, and every sample is nearer its centre than none. */
    private static final CurationSettings PASS_EVERYTHING = new CurationSettings(1.0, 1e12, null, 1);

    private static byte[] train;
    private static byte[] heldout;
    private static byte[] generation0;

    @BeforeAll
    static void trainGenerationZero() {
        train = RealText.train(100_000);
        heldout = RealText.heldout(10_000);
        generation0 = GenerationSteps.pretrain(SMOKE, train, Progress.NONE).checkpoint();
    }

    @Test
    void noAnchorsAndAPassEverythingFilterReproduceThePlainLoopBitForBit() {
        ExperimentConfig neutral = SMOKE
                .withSelfTraining(SMOKE.selfTraining().withAnchors(0.0, 0.0))
                .withSampling(SMOKE.sampling().withCuration(PASS_EVERYTHING));

        List<String> plain = digests(new SelfTrainingLoop(SMOKE, train, heldout).run(quiet()));
        List<String> curated = digests(new SelfTrainingLoop(neutral, train, heldout).run(quiet()));

        assertEquals(plain, curated);
        assertEquals(4, plain.size());
    }

    @Test
    void aPassEverythingFilterCountsEverySampleKept() {
        ExperimentConfig config = SMOKE.withSampling(SMOKE.sampling().withCuration(PASS_EVERYTHING));

        GenerationSteps.SampledCorpus plain = GenerationSteps.sample(SMOKE, generation0, 1024, 0, Progress.NONE);
        GenerationSteps.SampledCorpus curated = GenerationSteps.sample(config, generation0, generation0, 1024, 0,
                Progress.NONE);

        assertEquals(plain.sha256(), curated.sha256());
        assertArrayEquals(plain.tokens(), curated.tokens());
        assertNull(plain.curation());
        int sequences = SMOKE.sampling().sequences();
        assertEquals(new CurationCounts(sequences, 0, 0, 0, sequences), curated.curation());
    }

    @Test
    void theBandKeepsExactlyTheOversampledSamplesWhosePerplexityUnderGenerationZeroLiesInIt() {
        int sequences = SMOKE.sampling().sequences();
        SampleResult all = sampleTwice(generation0);
        double[] perplexities = new double[all.sequences().length];
        try (LanguageModel reference = Checkpoint.read(generation0)) {
            for (int i = 0; i < perplexities.length; i++) {
                perplexities[i] = HeldoutEvaluator.evaluate(reference, all.sequences()[i], 0, 32, null).perplexity();
            }
        }
        double[] sorted = perplexities.clone();
        Arrays.sort(sorted);
        // A band around the middle half of the samples, its ends between two samples' perplexities.
        double min = (sorted[3] + sorted[4]) / 2;
        double max = (sorted[11] + sorted[12]) / 2;
        ExperimentConfig config = SMOKE.withSampling(SMOKE.sampling()
                .withCuration(new CurationSettings(min, max, null, 2)));

        GenerationSteps.SampledCorpus curated = GenerationSteps.sample(config, generation0, generation0, 1024, 0,
                Progress.NONE);

        List<Integer> inBand = new ArrayList<>();
        for (int i = 0; i < perplexities.length; i++) {
            if (perplexities[i] >= min && perplexities[i] <= max) {
                inBand.add(i);
            }
        }
        assertEquals(sequences, inBand.size(), "half the 16 samples lie in the band");
        assertEquals(new CurationCounts(2 * sequences, sequences, 0, 0, sequences), curated.curation());
        assertArrayEquals(decoded(all, inBand), curated.corpus());
    }

    @Test
    void aBandNeedsGenerationZeroAndACorpusWithNothingLeftIsRefused() {
        ExperimentConfig banded = SMOKE.withSampling(SMOKE.sampling()
                .withCuration(new CurationSettings(1.0, 1.0001, null, null)));

        IllegalArgumentException noReference = assertThrows(IllegalArgumentException.class,
                () -> GenerationSteps.sample(banded, generation0, 1024, 0, Progress.NONE));
        IllegalStateException nothingKept = assertThrows(IllegalStateException.class,
                () -> GenerationSteps.sample(banded, generation0, generation0, 1024, 0, Progress.NONE));

        assertTrue(noReference.getMessage().contains("generation 0's checkpoint"), noReference.getMessage());
        assertTrue(nothingKept.getMessage().contains("kept none of the 8 samples"), nothingKept.getMessage());
    }

    /** The smoke preset's sampling of generation 0 with twice its sequences, as oversample 2 draws it. */
    private static SampleResult sampleTwice(byte[] checkpoint) {
        try (LanguageModel model = Checkpoint.read(checkpoint)) {
            var s = SMOKE.sampling();
            return Sampler.sample(model, new SampleRequest(2 * s.sequences(), s.tokensPerSequence(1024),
                    s.temperature(), s.topK(), s.topP(), s.prompt().getBytes(StandardCharsets.UTF_8), s.kvCache(),
                    SamplingWindow.FAST, Rng.derive(SMOKE.seed(), 0, SeedRole.SAMPLING)), (done, total) -> { });
        }
    }

    private static byte[] decoded(SampleResult result, List<Integer> indices) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LanguageModel model = Checkpoint.read(generation0)) {
            for (int i : indices) {
                out.writeBytes(model.tokenizer().decode(result.sequences()[i]));
            }
        }
        return out.toByteArray();
    }

    private static List<String> digests(SelfTrainingLoop.Outcome outcome) {
        List<String> digests = new ArrayList<>();
        for (GenerationReport report : outcome.generations()) {
            digests.add(report.checkpointSha256());
            digests.add(report.corpusSha256());
        }
        return digests;
    }

    private static SelfTrainingLoop.Listener quiet() {
        return new SelfTrainingLoop.Listener() {
            @Override
            public void onGeneration(GenerationReport report) {
            }

            @Override
            public void update(int generation, String phase, long done, long total) {
            }
        };
    }
}
