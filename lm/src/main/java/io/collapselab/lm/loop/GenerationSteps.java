package io.collapselab.lm.loop;

import io.collapselab.lm.Sha256;
import io.collapselab.experiment.CurationCounts;
import io.collapselab.experiment.CurationSettings;
import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.ModelSettings;
import io.collapselab.experiment.SamplingSettings;
import io.collapselab.experiment.TrainingSettings;
import ai.djl.engine.Engine;
import io.collapselab.lm.metrics.HeldoutEvaluator;
import io.collapselab.lm.metrics.RealTextProfile;
import io.collapselab.lm.metrics.TextMetrics;
import io.collapselab.lm.metrics.TokenCycles;
import io.collapselab.lm.model.Checkpoint;
import io.collapselab.lm.model.CheckpointSink;
import io.collapselab.lm.model.ModelSource;
import io.collapselab.lm.model.GptConfig;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.random.SeedRole;
import io.collapselab.lm.sample.CorpusCuration;
import io.collapselab.lm.sample.CorpusTokens;
import io.collapselab.lm.sample.SampleRequest;
import io.collapselab.lm.sample.SampleResult;
import io.collapselab.lm.pretrained.BaseModels;
import io.collapselab.lm.pretrained.Gpt2Import;
import io.collapselab.lm.sample.Sampler;
import io.collapselab.lm.sample.SamplingWindow;
import io.collapselab.lm.tokenizer.BpeTokenizer;
import io.collapselab.lm.tokenizer.ByteTokenizer;
import io.collapselab.lm.tokenizer.Gpt2Tokenizer;
import io.collapselab.lm.tokenizer.Tokenizer;
import io.collapselab.lm.train.Anchors;
import io.collapselab.lm.train.Trainer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The four things a generation does, each a pure function of its inputs (bytes in, bytes and numbers out), with
 * every random choice drawn from a seed derived from the run seed, the generation and the role. The in-process
 * {@link SelfTrainingLoop} and the distributed services call exactly these, so both compute the same checkpoints
 * and corpora, whichever process, replica or restart does the work (given the same intra-op thread count).
 */
public final class GenerationSteps {

    /** How many token ids at the end of a corpus are scanned for a trailing cycle. */
    static final int CYCLE_SCAN_TOKENS = 8_192;

    /**
     * Trainings in one process take turns: the engine collects gradients for one training at a time (a second
     * collector fails), and its random seed, which dropout draws from, is one per process. A trainer replica that
     * gets one run's request and another run's corpus at once (two channels) would otherwise fail the second
     * training or make both depend on how they interleaved.
     */
    private static final Object TRAINING_TURN = new Object();

    /** What every step reports besides its output. */
    public interface StepResult {
        /**
         * Milliseconds of the step spent moving the model between checkpoint bytes and the engine (reading the
         * parent checkpoint, writing the new one), which a pipeline counts as its overhead rather than as compute.
         */
        long checkpointIoMs();
    }

    /**
     * A trained model: its checkpoint's two objects ({@link Checkpoint}), {@code checkpoint} the weights that
     * sampling and evaluation read and {@code trainingState} what only the next training reads, each with its
     * digest, and what training it took. The two arrays are null where a {@link CheckpointSink} streamed the objects
     * elsewhere.
     */
    public record TrainedCheckpoint(byte[] checkpoint, String sha256, byte[] trainingState,
                                    String trainingStateSha256, int steps, long tokensSeen, double trainLoss,
                                    long computeMs, long checkpointIoMs) implements StepResult {
    }

    /**
     * A sampled corpus, the ids it was decoded from ({@link CorpusTokens}: prompts included, which the sampled
     * {@code tokenCount} is not) and the number of sampled tokens it holds; {@code curation}, what the run's
     * {@code sampling.curation} dropped on the way (null without curation).
     */
    public record SampledCorpus(byte[] corpus, String sha256, int[] tokens, long tokenCount, long computeMs,
                                long checkpointIoMs, CurationCounts curation) implements StepResult {
    }

    /**
     * Held-out figures of one checkpoint: {@code heldout}, the generation's own, by {@code heldoutMethod} (the
     * {@code evaluation.heldout} setting), and {@code wholeText}, the whole-text figure, where the schedule has one
     * for this generation (null otherwise; the same figure as {@code heldout} under {@code whole}).
     */
    public record CheckpointEvaluation(String heldoutMethod, HeldoutEvaluator.HeldoutLoss heldout,
                                       HeldoutEvaluator.HeldoutLoss wholeText, long computeMs, long checkpointIoMs)
            implements StepResult {

        public double heldoutLoss() {
            return heldout.loss();
        }

        public double heldoutPerplexity() {
            return heldout.perplexity();
        }

        public double heldoutBitsPerByte() {
            return heldout.bitsPerByte();
        }

        public Double heldoutWordPerplexity() {
            return heldout.wordPerplexity();
        }

        /** The whole-text figure's loss, null in a generation without one; likewise the four below. */
        public Double wholeTextLoss() {
            return wholeText == null ? null : wholeText.loss();
        }

        public Double wholeTextPerplexity() {
            return wholeText == null ? null : wholeText.perplexity();
        }

        public Double wholeTextBitsPerByte() {
            return wholeText == null ? null : wholeText.bitsPerByte();
        }

        public Double wholeTextWordPerplexity() {
            return wholeText == null ? null : wholeText.wordPerplexity();
        }

        public Long wholeTextTokens() {
            return wholeText == null ? null : wholeText.tokens();
        }

        /** Tokens predicted for the figures, each figure counted once. */
        public long tokens() {
            return heldout.tokens() + (wholeText == null || wholeText == heldout ? 0 : wholeText.tokens());
        }
    }

    /** Text metrics of one corpus. */
    public record CorpusEvaluation(TextMetrics metrics, int cycleLength, String excerpt) implements StepResult {
        /** Corpus metrics need no model. */
        @Override
        public long checkpointIoMs() {
            return 0;
        }
    }

    private GenerationSteps() {
    }

    /** The tokenizer of a run: bytes, a BPE trained on the run's real training text, or GPT-2's. */
    public static Tokenizer tokenizer(ModelSettings model, byte[] realTrainText) {
        return switch (model.tokenizer()) {
            case ModelSettings.BYTE_TOKENIZER -> ByteTokenizer.INSTANCE;
            case ModelSettings.BPE_TOKENIZER -> BpeTokenizer.train(realTrainText, model.bpeVocabularySize());
            case ModelSettings.GPT2_TOKENIZER -> Gpt2Tokenizer.INSTANCE;
            default -> throw new IllegalArgumentException("unknown tokenizer '" + model.tokenizer()
                    + "'; a validated config names 'byte', 'bpe' or 'gpt2'");
        };
    }

    /**
     * The number of tokens each corpus of a run samples ({@link ExperimentConfig#corpusTokens}): the real training
     * text is read, and counted in tokens of the run's tokenizer, only when the config gives the size relative to
     * it. A driver calls this once per run, with the tokenizer of the run's checkpoints.
     */
    public static int corpusTokens(ExperimentConfig config, Tokenizer tokenizer, Supplier<byte[]> realTrainText) {
        return config.corpusTokens(() -> tokenizer.encode(realTrainText.get()).length);
    }

    /** Generation 0 of a run from fresh weights: a new model trained on the real text. */
    public static TrainedCheckpoint pretrain(ExperimentConfig config, byte[] realTrainText, Progress progress) {
        return pretrain(config, realTrainText, null, progress);
    }

    /**
     * Generation 0: the model trained on the real text for {@code pretraining.steps} (which may be 0, when
     * generation 0 is the pretrained model itself, as in the paper).
     *
     * @param baseModel the pretrained model's directory ({@code config.json}, {@code model.safetensors}) when
     *                  {@code model.initFrom} is set, else {@code null} for fresh weights
     * @throws IllegalArgumentException when the base model's architecture is not the config's
     */
    public static TrainedCheckpoint pretrain(ExperimentConfig config, byte[] realTrainText, Path baseModel,
                                             Progress progress) {
        InMemory sink = new InMemory();
        return sink.attach(pretrain(config, realTrainText, baseModel, progress, sink));
    }

    /**
     * Generation 0 as {@link #pretrain(ExperimentConfig, byte[], Path, Progress)} trains it, its checkpoint written
     * to {@code sink} (the returned checkpoint holds no arrays).
     */
    public static TrainedCheckpoint pretrain(ExperimentConfig config, byte[] realTrainText, Path baseModel,
                                             Progress progress, CheckpointSink sink) {
        long started = System.nanoTime();
        ModelSettings m = config.model();
        if (m.startsPretrained() != (baseModel != null)) {
            throw new IllegalArgumentException(m.startsPretrained()
                    ? "model.initFrom is '" + m.initFrom() + "', but no base model was given to start from"
                    : "a base model was given, but model.initFrom is not set");
        }
        Tokenizer tokenizer = tokenizer(m, realTrainText);
        LanguageModel model;
        if (baseModel == null) {
            GptConfig gptConfig = new GptConfig(m.layers(), m.heads(), m.width(), m.contextLength(),
                    tokenizer.vocabularySize(), m.dropout(), GptConfig.Activation.fromConfigName(m.activation()));
            model = LanguageModel.create(gptConfig, tokenizer, Rng.derive(config.seed(), 0, SeedRole.INITIAL_WEIGHTS));
        } else {
            BaseModels.requireArchitecture(m, Gpt2Import.architecture(baseModel), baseModel.toString());
            model = Gpt2Import.languageModel(baseModel, tokenizer, m.contextLength(), m.dropout());
        }
        try (model) {
            return train(config, model, "pretraining", config.pretraining(), false, realTrainText, 0, Anchors.NONE,
                    progress, started, elapsedMs(started), sink);
        }
    }

    /**
     * Generation {@code generation} (at least 1): the parent checkpoint trained further on the training mix. The
     * first self-trained generation starts a fresh optimizer, as the paper's code builds AdamW after loading the
     * model: pre-training's moments and step count belong to another objective and would carry its bias correction
     * into self-training. From the second on, {@code selfTraining.carryOptimizerState} decides.
     */
    public static TrainedCheckpoint trainNext(ExperimentConfig config, byte[] parentCheckpoint,
                                              byte[] parentTrainingState, byte[] trainingText, int generation,
                                              Progress progress) {
        return trainNext(config, parentCheckpoint, parentTrainingState, trainingText, generation, null, progress);
    }

    /**
     * Generation {@code generation} as {@link #trainNext(ExperimentConfig, byte[], byte[], byte[], int, Progress)}
     * trains it, its objective anchored as {@code selfTraining} says ({@link Anchors}) with {@code anchorInputs}.
     *
     * @param parentCheckpoint    the parent's weights object
     * @param parentTrainingState the parent's training-state object
     * @param anchorInputs        generation 0's weights and the real training text; may be null when the config has
     *                            no anchor
     */
    public static TrainedCheckpoint trainNext(ExperimentConfig config, byte[] parentCheckpoint,
                                              byte[] parentTrainingState, byte[] trainingText, int generation,
                                              AnchorInputs anchorInputs, Progress progress) {
        InMemory sink = new InMemory();
        return sink.attach(trainNext(config, ModelSource.ofCheckpoint(parentCheckpoint, parentTrainingState),
                trainingText, generation, anchorInputs, progress, sink));
    }

    /**
     * Generation {@code generation} as
     * {@link #trainNext(ExperimentConfig, byte[], byte[], byte[], int, AnchorInputs, Progress)} trains it, from the
     * parent's checkpoint as {@code parent} reads it (both objects), its own written to {@code sink} (the returned
     * checkpoint holds no arrays).
     */
    public static TrainedCheckpoint trainNext(ExperimentConfig config, ModelSource parent, byte[] trainingText,
                                              int generation, AnchorInputs anchorInputs, Progress progress,
                                              CheckpointSink sink) {
        if (generation < 1) {
            throw new IllegalArgumentException("trainNext is for generations >= 1, got " + generation);
        }
        TrainingSettings settings = config.selfTraining();
        if (settings.anchored() && anchorInputs == null) {
            throw new IllegalArgumentException("selfTraining anchors generation " + generation + " to generation 0: "
                    + "it needs generation 0's checkpoint and the real training text");
        }
        long started = System.nanoTime();
        try (LanguageModel model = parent.open();
             LanguageModel reference = settings.klAnchorOrZero() > 0
                     ? Checkpoint.read(anchorInputs.generation0Checkpoint()) : null) {
            boolean carry = generation > 1 && settings.carryOptimizerState();
            Anchors anchors = settings.anchored()
                    ? new Anchors(reference, settings.klAnchorOrZero(), settings.realGradientWeightOrZero() > 0
                            ? model.tokenizer().encode(anchorInputs.realTrainText()) : null,
                            settings.realGradientWeightOrZero())
                    : Anchors.NONE;
            return train(config, model, "selfTraining", settings, carry, trainingText, generation, anchors,
                    progress, started, elapsedMs(started), sink);
        }
    }

    /**
     * The corpus of a generation, sampled from that generation's checkpoint, for a run whose curation, if any,
     * needs no reference model.
     *
     * @param corpusTokens the run's {@link #corpusTokens}
     */
    public static SampledCorpus sample(ExperimentConfig config, byte[] checkpoint, int corpusTokens, int generation,
                                       Progress progress) {
        return sample(config, checkpoint, null, corpusTokens, generation, progress);
    }

    /**
     * The corpus of a generation, sampled from that generation's checkpoint and curated as {@code sampling.curation}
     * says; see {@link #sample(ExperimentConfig, ModelSource, byte[], ToIntFunction, int, Progress)}.
     */
    public static SampledCorpus sample(ExperimentConfig config, byte[] checkpoint, byte[] referenceCheckpoint,
                                       int corpusTokens, int generation, Progress progress) {
        return sample(config, ModelSource.ofWeights(checkpoint), referenceCheckpoint, tokenizer -> corpusTokens,
                generation, progress);
    }

    /**
     * The corpus of a generation, sampled from that generation's checkpoint as {@code checkpoint} reads it and
     * curated as {@code sampling.curation} says ({@link CurationSettings}): oversampled with the one seed of the
     * generation's sampling, and each sample's perplexity, where a band asks for it, measured under the reference
     * model. Without curation, every sample in sampled order.
     *
     * @param referenceCheckpoint generation 0's checkpoint, the reference of the perplexity band; may be null when
     *                            the run has no band
     * @param corpusTokens        the run's {@link #corpusTokens} under the checkpoint's tokenizer
     * @throws IllegalStateException when curation keeps no sample
     */
    public static SampledCorpus sample(ExperimentConfig config, ModelSource checkpoint, byte[] referenceCheckpoint,
                                       ToIntFunction<Tokenizer> corpusTokens, int generation, Progress progress) {
        long started = System.nanoTime();
        SamplingSettings s = config.sampling();
        CurationSettings curation = s.curation();
        if (curation != null && curation.filtersPerplexity() && referenceCheckpoint == null) {
            throw new IllegalArgumentException("sampling.curation filters generation " + generation + " by perplexity "
                    + "under generation 0: it needs generation 0's checkpoint");
        }
        try (LanguageModel model = checkpoint.open()) {
            long readMs = elapsedMs(started);
            int tokensPerGeneration = corpusTokens.applyAsInt(model.tokenizer());
            int sequences = curation == null ? s.sequences() : s.sequences() * curation.oversampleOrOne();
            SampleRequest request = new SampleRequest(sequences, s.tokensPerSequence(tokensPerGeneration),
                    s.temperature(), s.topK(), s.topP(), s.prompt().getBytes(StandardCharsets.UTF_8), s.kvCache(),
                    window(s), Rng.derive(config.seed(), generation, SeedRole.SAMPLING));
            SampleResult result = Sampler.sample(model, request,
                    (done, total) -> progress.update(generation, "sample", done, total));
            CurationCounts counts = null;
            if (curation != null) {
                double[] perplexities = curation.filtersPerplexity()
                        ? perplexities(config, referenceCheckpoint, result, generation, progress) : null;
                int[][] samples = new int[sequences][];
                for (int i = 0; i < sequences; i++) {
                    samples[i] = result.newTokens(i);
                }
                CorpusCuration.Selection selection = CorpusCuration.select(curation, samples, perplexities,
                        s.sequences());
                if (selection.kept().length == 0) {
                    throw new IllegalStateException("sampling.curation kept none of the " + sequences + " samples of "
                            + "generation " + generation + " (" + selection.counts() + "); widen the perplexity "
                            + "band, lengthen dedupeNgram or oversample more");
                }
                result = result.only(selection.kept());
                counts = selection.counts();
            }
            byte[] corpus = result.corpus(model.tokenizer());
            return new SampledCorpus(corpus, Sha256.hex(corpus), result.corpusTokens(), result.newTokenCount(),
                    elapsedMs(started), readMs, counts);
        }
    }

    /** Each sample's perplexity under the reference model, scored as the whole-text held-out figure scores a text. */
    private static double[] perplexities(ExperimentConfig config, byte[] referenceCheckpoint, SampleResult result,
                                         int generation, Progress progress) {
        int[][] sequences = result.sequences();
        double[] perplexities = new double[sequences.length];
        try (LanguageModel reference = Checkpoint.read(referenceCheckpoint)) {
            for (int i = 0; i < sequences.length; i++) {
                perplexities[i] = HeldoutEvaluator.evaluate(reference, sequences[i], 0,
                        config.evaluation().batchSize(), null).perplexity();
                progress.update(generation, "curate", i + 1L, sequences.length);
            }
        }
        return perplexities;
    }

    /**
     * The held-out figures of a checkpoint on the real held-out text, as {@code evaluation} asks for this
     * generation: the window estimate (its windows drawn from a seed derived from the run seed and the generation)
     * and the whole-text figure where the schedule has one.
     */
    public static CheckpointEvaluation evaluate(ExperimentConfig config, byte[] checkpoint, byte[] heldoutText,
                                                int generation, Progress progress) {
        return evaluate(config, ModelSource.ofWeights(checkpoint), heldoutText, generation, progress);
    }

    /** The held-out figures of a checkpoint as {@code checkpoint} reads it; see {@link #evaluate}. */
    public static CheckpointEvaluation evaluate(ExperimentConfig config, ModelSource checkpoint, byte[] heldoutText,
                                                int generation, Progress progress) {
        long started = System.nanoTime();
        EvaluationSettings e = config.evaluation();
        try (LanguageModel model = checkpoint.open()) {
            long readMs = elapsedMs(started);
            int[] tokens = model.tokenizer().encode(heldoutText);
            boolean whole = e.wholeTextAt(generation, config.generations());
            long windowTokens = e.usesWindows() ? (long) e.heldoutWindows() * model.config().contextLength() : 0;
            long wholeTokens = whole ? Math.max(0, HeldoutEvaluator.usedLength(tokens, e.maxHeldoutTokens()) - 1) : 0;
            long total = windowTokens + wholeTokens;
            HeldoutEvaluator.HeldoutLoss windows = e.usesWindows()
                    ? HeldoutEvaluator.estimate(model, tokens, e.maxHeldoutTokens(), e.heldoutWindows(),
                            Rng.derive(config.seed(), generation, SeedRole.HELDOUT_WINDOWS), e.batchSize(),
                            (done, all) -> progress.update(generation, "evaluate", done, total))
                    : null;
            HeldoutEvaluator.HeldoutLoss wholeText = whole
                    ? HeldoutEvaluator.evaluate(model, tokens, e.maxHeldoutTokens(), e.batchSize(),
                            (done, all) -> progress.update(generation, "evaluate", windowTokens + done, total))
                    : null;
            return new CheckpointEvaluation(e.heldout(), e.usesWindows() ? windows : wholeText, wholeText,
                    elapsedMs(started), readMs);
        }
    }

    /**
     * Text metrics of a corpus. The trailing cycle is looked for in the last ids of {@code corpusTokens}, the ids
     * the corpus was decoded from (the end of its last sample), as the model sampled them: a decoded text encodes
     * back into other tokens where a BPE would merge differently, as at a word cut off by the end of the sample. The
     * excerpt is the corpus's last {@code excerptChars} characters, where a collapsed model's loop shows.
     */
    public static CorpusEvaluation evaluateCorpus(ExperimentConfig config, byte[] corpus, int[] corpusTokens,
                                                  RealTextProfile realText) {
        TextMetrics metrics = TextMetrics.of(corpus, realText);
        int[] end = Arrays.copyOfRange(corpusTokens, Math.max(0, corpusTokens.length - CYCLE_SCAN_TOKENS),
                corpusTokens.length);
        int cycle = TokenCycles.shortestTrailingCycle(end);
        return new CorpusEvaluation(metrics, cycle, excerpt(corpus, config.evaluation().excerptChars()));
    }

    /**
     * One training phase on {@code text}, as many steps as the budget of {@code settings} gives for its tokens: the
     * phase, its learning-rate schedule included, then runs as a fixed number of steps.
     */
    private static TrainedCheckpoint train(ExperimentConfig config, LanguageModel model, String field,
                                           TrainingSettings settings, boolean carryOptimizerState, byte[] text,
                                           int generation, Anchors anchors, Progress progress, long started,
                                           long checkpointReadMs, CheckpointSink sink) {
        int[] tokens = model.tokenizer().encode(text);
        TrainingSettings phase = settings.withSteps(settings.stepsFor(tokens.length,
                model.config().contextLength(), field));
        long tokensBefore = model.progress().tokensSeen();
        double loss = 0;
        synchronized (TRAINING_TURN) {
            Engine.getInstance().setRandomSeed((int) Rng.derive(config.seed(), generation, SeedRole.ENGINE));
            Trainer.beginPhase(model, Rng.derive(config.seed(), generation, SeedRole.TRAINING_WINDOWS),
                    carryOptimizerState);
            // No step, no loss: 0 stands for "not trained" (a pretrained generation 0), as steps 0 says.
            if (phase.steps() > 0) {
                loss = Trainer.train(model, phase, tokens, phase.steps(), anchors,
                        (step, steps, stepLoss, lr) -> progress.update(generation, "train", step + 1L, steps));
            }
        }
        long writeStarted = System.nanoTime();
        CheckpointSink.Digests written = sink.write(model);
        long ioMs = checkpointReadMs + elapsedMs(writeStarted);
        return new TrainedCheckpoint(null, written.weights(), null, written.trainingState(), phase.steps(),
                model.progress().tokensSeen() - tokensBefore, loss, elapsedMs(started), ioMs);
    }

    /** Keeps the checkpoint's objects in memory, for the in-process loop and the byte-array steps. */
    private static final class InMemory implements CheckpointSink {
        private byte[] weights;
        private byte[] trainingState;

        @Override
        public Digests write(LanguageModel model) {
            weights = Checkpoint.weights(model);
            trainingState = Checkpoint.trainingState(model);
            return new Digests(Sha256.hex(weights), Sha256.hex(trainingState));
        }

        TrainedCheckpoint attach(TrainedCheckpoint trained) {
            return new TrainedCheckpoint(weights, trained.sha256(), trainingState, trained.trainingStateSha256(),
                    trained.steps(), trained.tokensSeen(), trained.trainLoss(), trained.computeMs(),
                    trained.checkpointIoMs());
        }
    }

    private static SamplingWindow window(SamplingSettings sampling) {
        return SamplingSettings.EXACT_WINDOW.equals(sampling.window()) ? SamplingWindow.EXACT : SamplingWindow.FAST;
    }

    private static String excerpt(byte[] corpus, int chars) {
        String text = new String(corpus, StandardCharsets.UTF_8);
        if (text.length() <= chars) {
            return text;
        }
        int from = text.length() - chars;
        if (Character.isLowSurrogate(text.charAt(from))) {
            from++;
        }
        return text.substring(from);
    }

    private static long elapsedMs(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
