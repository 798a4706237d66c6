package io.collapselab.lm.loop;

import io.collapselab.lm.metrics.RealTextProfile;
import io.collapselab.lm.model.Checkpoint;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.random.SeedRole;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive self-training in one process, the reference the distributed pipeline is checked against:
 * generation 0 trains on real text; each generation is evaluated on real held-out text and samples a corpus; the
 * next generation trains on the mix of its policy (only that corpus, for the paper's {@code replace}).
 */
public final class SelfTrainingLoop {

    /** Hears about each finished generation, and about progress within one. */
    public interface Listener extends Progress {
        void onGeneration(GenerationReport report);
    }

    /** How the loop ended and what each generation measured. */
    public record Outcome(String status, List<GenerationReport> generations) {
        public static final String MAX_GENERATIONS = "max-generations";
        public static final String COLLAPSE_DETECTED = "collapse-detected";
    }

    private final ExperimentConfig config;
    private final byte[] realTrainText;
    private final byte[] heldoutText;

    public SelfTrainingLoop(ExperimentConfig config, byte[] realTrainText, byte[] heldoutText) {
        this.config = config.validated();
        this.realTrainText = realTrainText;
        this.heldoutText = heldoutText;
    }

    public Outcome run(Listener listener) {
        RealTextProfile realProfile = RealTextProfile.of(realTrainText, config.evaluation().tailQuantile());
        List<byte[]> corpora = new ArrayList<>();
        List<GenerationReport> reports = new ArrayList<>();
        long started = System.nanoTime();
        GenerationSteps.TrainedCheckpoint current = GenerationSteps.pretrain(config, realTrainText, listener);
        for (int g = 0; ; g++) {
            GenerationSteps.CheckpointEvaluation heldout =
                    GenerationSteps.evaluate(config, current.checkpoint(), heldoutText, g, listener);
            GenerationSteps.SampledCorpus corpus = GenerationSteps.sample(config, current.checkpoint(), g, listener);
            GenerationSteps.CorpusEvaluation text = GenerationSteps.evaluateCorpus(config, corpus.corpus(),
                    Checkpoint.readTokenizer(current.checkpoint()), realProfile);
            boolean collapsed = config.collapse().isCollapsed(text.metrics().distinct2(), text.cycleLength());
            long now = System.nanoTime();
            GenerationReport report = new GenerationReport(g, current.trainLoss(), heldout.heldoutLoss(),
                    heldout.heldoutPerplexity(), text.metrics().distinct1(), text.metrics().distinct2(),
                    text.metrics().distinct3(), text.metrics().repetition(), text.metrics().entropy(),
                    text.metrics().tailMass(), text.cycleLength(), current.sha256(), corpus.sha256(),
                    text.excerpt(), (now - started) / 1_000_000, collapsed);
            started = now;
            reports.add(report);
            listener.onGeneration(report);
            if (collapsed && config.collapse().stopOnCollapse()) {
                return new Outcome(Outcome.COLLAPSE_DETECTED, reports);
            }
            if (g == config.generations()) {
                return new Outcome(Outcome.MAX_GENERATIONS, reports);
            }
            corpora.add(corpus.corpus());
            byte[] mix = TrainingMix.build(config.mixing(), realTrainText, corpora,
                    Rng.derive(config.seed(), g + 1, SeedRole.MIXING));
            current = GenerationSteps.trainNext(config, current.checkpoint(), mix, g + 1, listener);
        }
    }
}
