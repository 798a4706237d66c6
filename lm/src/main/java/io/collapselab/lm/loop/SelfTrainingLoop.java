package io.collapselab.lm.loop;

import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.RunEnd;
import io.collapselab.lm.metrics.RealTextProfile;
import io.collapselab.lm.metrics.TextMetrics;
import io.collapselab.lm.model.Checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
    public record Outcome(RunEnd end, List<GenerationReport> generations) {
    }

    private final ExperimentConfig config;
    private final byte[] realTrainText;
    private final byte[] heldoutText;
    private final Path baseModel;

    /** A run from fresh weights. */
    public SelfTrainingLoop(ExperimentConfig config, byte[] realTrainText, byte[] heldoutText) {
        this(config, realTrainText, heldoutText, null);
    }

    /**
     * @param baseModel the directory of the pretrained model that {@code model.initFrom} names, or {@code null}
     *                  for a run from fresh weights
     */
    public SelfTrainingLoop(ExperimentConfig config, byte[] realTrainText, byte[] heldoutText, Path baseModel) {
        this.config = config.validated();
        this.realTrainText = realTrainText;
        this.heldoutText = heldoutText;
        this.baseModel = baseModel;
    }

    public Outcome run(Listener listener) {
        RealTextProfile realProfile = RealTextProfile.of(realTrainText, config.evaluation().tailQuantile());
        List<byte[]> corpora = new ArrayList<>();
        List<GenerationReport> reports = new ArrayList<>();
        long started = System.nanoTime();
        GenerationSteps.TrainedCheckpoint current = GenerationSteps.pretrain(config, realTrainText, baseModel,
                listener);
        int corpusTokens = GenerationSteps.corpusTokens(config, Checkpoint.readTokenizer(current.checkpoint()),
                () -> realTrainText);
        AnchorInputs anchors = new AnchorInputs(current.checkpoint(), realTrainText);
        for (int g = 0; ; g++) {
            GenerationSteps.CheckpointEvaluation heldout =
                    GenerationSteps.evaluate(config, current.checkpoint(), heldoutText, g, listener);
            GenerationSteps.SampledCorpus corpus = GenerationSteps.sample(config, current.checkpoint(),
                    anchors.generation0Checkpoint(), corpusTokens, g, listener);
            GenerationSteps.CorpusEvaluation text = GenerationSteps.evaluateCorpus(config, corpus.corpus(),
                    corpus.tokens(), realProfile);
            boolean collapsed = config.collapse().isCollapsed(text.metrics().distinct2(), text.cycleLength());
            long now = System.nanoTime();
            TextMetrics m = text.metrics();
            GenerationReport report = new GenerationReport(g, current.trainLoss(), heldout.heldoutLoss(),
                    heldout.heldoutPerplexity(), heldout.heldoutMethod(), heldout.heldout().tokens(),
                    heldout.heldoutBitsPerByte(), heldout.heldoutWordPerplexity(), heldout.wholeTextLoss(),
                    heldout.wholeTextPerplexity(), heldout.wholeTextBitsPerByte(), heldout.wholeTextWordPerplexity(),
                    heldout.wholeTextTokens(), m.distinct1(), m.distinct2(), m.distinct3(), m.repetition(),
                    m.entropy(), m.tailMass(), m.unseenWordShare(), text.cycleLength(), current.sha256(),
                    corpus.sha256(), text.excerpt(), (now - started) / 1_000_000, collapsed);
            started = now;
            reports.add(report);
            listener.onGeneration(report);
            Optional<RunEnd> end = config.endAfter(g, collapsed);
            if (end.isPresent()) {
                return new Outcome(end.get(), reports);
            }
            corpora.add(corpus.corpus());
            int next = g + 1;
            byte[] mix = TrainingMix.forGeneration(config, realTrainText,
                    TrainingMix.corpusGenerations(config.mixing(), next).stream().map(corpora::get).toList(), next);
            current = GenerationSteps.trainNext(config, current.checkpoint(), current.trainingState(), mix, next,
                    anchors, listener);
        }
    }
}
