package io.collapselab.lm.loop;

import io.collapselab.experiment.CollapsePolicy;
import io.collapselab.experiment.CorpusSize;
import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.MixingSettings;
import io.collapselab.experiment.ModelSettings;
import io.collapselab.experiment.Presets;
import io.collapselab.experiment.RunEnd;
import io.collapselab.experiment.SamplingSettings;
import io.collapselab.experiment.TrainingSettings;
import io.collapselab.lm.RealText;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelfTrainingLoopTest {

    /**
     * A short, high-learning-rate {@code replace} loop: each generation trains hard on a small, low-temperature
     * sample of its predecessor, which is the recipe for collapse in a few generations.
     */
    static final ExperimentConfig COLLAPSING = new ExperimentConfig("collapsing",
            new ModelSettings(1, 2, 48, 32, 0f, ModelSettings.BYTE_TOKENIZER, 0),
            new TrainingSettings(120, 16, 5e-3, 5e-4, TrainingSettings.COSINE, 10, 0.9, 0.95, 0.1, 1.0, false),
            new TrainingSettings(40, 16, 1e-2, 1e-2, TrainingSettings.CONSTANT, 0, 0.9, 0.95, 0.1, 1.0, true),
            3,
            new SamplingSettings(4096, 16, 0.7, 10, 1.0, "\n", true, SamplingSettings.FAST_WINDOW),
            new MixingSettings(MixingSettings.REPLACE, 0),
            new EvaluationSettings(16_384, 32, 0.1, 120, EvaluationSettings.WHOLE_TEXT, 100, 1),
            new CollapsePolicy(0.0, 0, false),
            42);

    /**
     * The whole training split: on a 300 kB prefix the same loop drifts into long runs without spaces, which
     * collapses perplexity as well but leaves too few words for distinct-2 to measure the repetition.
     */
    static final int TRAIN_BYTES = 1_300_000;

    @Test
    void aHighLearningRateReplaceLoopDriftsTowardsCollapse() {
        byte[] train = RealText.train(TRAIN_BYTES);
        byte[] heldout = RealText.heldout(40_000);
        List<GenerationReport> seen = new ArrayList<>();
        SelfTrainingLoop.Outcome outcome = new SelfTrainingLoop(COLLAPSING, train, heldout).run(listener(seen));

        List<GenerationReport> generations = outcome.generations();
        assertEquals(RunEnd.MAX_GENERATIONS, outcome.end());
        assertEquals(COLLAPSING.generations() + 1, generations.size());
        assertEquals(generations, seen);
        GenerationReport first = generations.get(0);
        GenerationReport last = generations.get(generations.size() - 1);
        assertTrue(last.heldoutPerplexity() > first.heldoutPerplexity() * 1.1,
                "held-out perplexity should rise: " + first.heldoutPerplexity() + " -> " + last.heldoutPerplexity());
        assertTrue(last.distinct2() < first.distinct2() * 0.9,
                "distinct-2 should fall: " + first.distinct2() + " -> " + last.distinct2());
    }

    @Test
    void theSameSeedGivesTheSameDigestsAndAnotherSeedDoesNot() {
        ExperimentConfig small = Presets.get("smoke").withGenerations(1);
        byte[] train = RealText.train(100_000);
        byte[] heldout = RealText.heldout(10_000);
        List<String> first = digests(new SelfTrainingLoop(small, train, heldout).run(listener(new ArrayList<>())));
        List<String> again = digests(new SelfTrainingLoop(small, train, heldout).run(listener(new ArrayList<>())));
        List<String> otherSeed = digests(new SelfTrainingLoop(small.withSeed(small.seed() + 1), train, heldout)
                .run(listener(new ArrayList<>())));
        assertEquals(first, again);
        assertEquals(4, first.size());
        assertNotEquals(first.get(0), otherSeed.get(0));
    }

    @Test
    void stopsAtTheFirstCollapsedGenerationWhenAsked() {
        byte[] train = RealText.train(TRAIN_BYTES);
        byte[] heldout = RealText.heldout(40_000);
        List<GenerationReport> unstopped = new SelfTrainingLoop(COLLAPSING, train, heldout)
                .run(listener(new ArrayList<>())).generations();
        // A threshold halfway down the run's fall of distinct-2, so that the stop lands after generation 0.
        double threshold = (unstopped.get(0).distinct2() + unstopped.get(unstopped.size() - 1).distinct2()) / 2;
        int firstBelow = -1;
        for (GenerationReport report : unstopped) {
            if (report.distinct2() < threshold) {
                firstBelow = report.generation();
                break;
            }
        }
        assertTrue(firstBelow >= 1, "distinct-2 should fall below " + threshold + " after generation 0");
        ExperimentConfig stopping = new ExperimentConfig(COLLAPSING.name(), COLLAPSING.model(),
                COLLAPSING.pretraining(), COLLAPSING.selfTraining(), COLLAPSING.generations(), COLLAPSING.sampling(),
                COLLAPSING.mixing(), COLLAPSING.evaluation(), new CollapsePolicy(threshold, 0, true),
                COLLAPSING.seed());

        SelfTrainingLoop.Outcome outcome = new SelfTrainingLoop(stopping, train, heldout)
                .run(listener(new ArrayList<>()));

        assertEquals(RunEnd.COLLAPSE_DETECTED, outcome.end());
        assertEquals(firstBelow + 1, outcome.generations().size());
        GenerationReport last = outcome.generations().get(firstBelow);
        assertTrue(last.collapsed());
        assertEquals(unstopped.get(firstBelow).checkpointSha256(), last.checkpointSha256());
    }

    /**
     * {@code accumulate} as Gerstgrasser et al. run it: every corpus as large as the real text, and every generation
     * trained for one epoch of the growing pool of real text and corpora.
     */
    @Test
    void anAccumulateLoopOfRealSizeCorporaTrainsLongerOnTheGrowingPool() {
        byte[] train = RealText.train(3_000);
        byte[] heldout = RealText.heldout(2_000);
        ExperimentConfig growing = new ExperimentConfig("growing",
                new ModelSettings(1, 2, 32, 16, 0f, ModelSettings.BYTE_TOKENIZER, 0),
                COLLAPSING.pretraining().withSteps(20),
                COLLAPSING.selfTraining().withEpochs(1),
                2,
                COLLAPSING.sampling().withTokensPerGeneration(CorpusSize.parse("real-size")),
                new MixingSettings(MixingSettings.ACCUMULATE, 0),
                new EvaluationSettings(2_000, 32, 0.1, 120, EvaluationSettings.WHOLE_TEXT, 100, 1),
                new CollapsePolicy(0.0, 0, false),
                11);
        Map<Integer, Long> trainSteps = new TreeMap<>();
        SelfTrainingLoop.Outcome outcome = new SelfTrainingLoop(growing, train, heldout).run(
                new SelfTrainingLoop.Listener() {
                    @Override
                    public void onGeneration(GenerationReport report) {
                    }

                    @Override
                    public void update(int generation, String phase, long done, long total) {
                        if (phase.equals("train")) {
                            trainSteps.put(generation, total);
                        }
                    }
                });

        // The same generations step by step: byte-level corpora of the real text's 3000 tokens, one epoch of the
        // pool (a step sees 16 windows of 16 tokens) in each generation.
        List<GenerationReport> reports = outcome.generations();
        assertEquals(3, reports.size());
        GenerationSteps.TrainedCheckpoint checkpoint = GenerationSteps.pretrain(growing, train, Progress.NONE);
        List<byte[]> corpora = new ArrayList<>();
        List<Long> expectedSteps = new ArrayList<>(List.of(20L));
        for (int g = 0; g < reports.size(); g++) {
            assertEquals(checkpoint.sha256(), reports.get(g).checkpointSha256(), "checkpoint " + g);
            GenerationSteps.SampledCorpus corpus =
                    GenerationSteps.sample(growing, checkpoint.checkpoint(), train.length, g, Progress.NONE);
            assertEquals(corpus.sha256(), reports.get(g).corpusSha256(), "corpus " + g);
            // 16 sequences of ceil(3000 / 16) = 188 tokens.
            assertEquals(16 * 188, corpus.tokenCount());
            corpora.add(corpus.corpus());
            if (g + 1 < reports.size()) {
                byte[] mix = TrainingMix.forGeneration(growing, train, corpora, g + 1);
                assertEquals(train.length + corpora.stream().mapToInt(c -> c.length).sum(), mix.length);
                checkpoint = GenerationSteps.trainNext(growing, checkpoint.checkpoint(), checkpoint.trainingState(),
                        mix,
                        g + 1, Progress.NONE);
                expectedSteps.add((long) Math.ceil(mix.length / 256.0));
                assertEquals(expectedSteps.get(g + 1).intValue(), checkpoint.steps());
            }
        }
        assertEquals(expectedSteps, List.copyOf(trainSteps.values()));
        assertTrue(expectedSteps.get(2) > expectedSteps.get(1), "steps per generation " + expectedSteps);
    }

    private static List<String> digests(SelfTrainingLoop.Outcome outcome) {
        List<String> digests = new ArrayList<>();
        for (GenerationReport report : outcome.generations()) {
            digests.add(report.checkpointSha256());
            digests.add(report.corpusSha256());
        }
        return digests;
    }

    private static SelfTrainingLoop.Listener listener(List<GenerationReport> seen) {
        return new SelfTrainingLoop.Listener() {
            @Override
            public void onGeneration(GenerationReport report) {
                seen.add(report);
            }

            @Override
            public void update(int generation, String phase, long done, long total) {
            }
        };
    }
}
