package io.collapselab.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Everything that determines a self-training run: with the same config, the same real texts and the same number
 * of intra-op threads, every generation's checkpoint and corpus are bit-identical. This one record is what a
 * config file holds, what a preset is, what {@code collapse loop} runs and what the {@code RunRequested} event
 * carries; its JSON form is {@link ExperimentJson}'s. Its rules ({@link #problems()}) are checked by the submitter
 * before any work starts and again by every service that receives it.
 */
public record ExperimentConfig(
        String name,
        ModelSettings model,
        TrainingSettings pretraining,
        TrainingSettings selfTraining,
        int generations,
        SamplingSettings sampling,
        MixingSettings mixing,
        EvaluationSettings evaluation,
        CollapsePolicy collapse,
        long seed,
        @JsonInclude(JsonInclude.Include.NON_NULL) RetentionSettings retention) {

    /** A config whose run keeps every checkpoint (no {@code retention} policy). */
    public ExperimentConfig(String name, ModelSettings model, TrainingSettings pretraining,
                            TrainingSettings selfTraining, int generations, SamplingSettings sampling,
                            MixingSettings mixing, EvaluationSettings evaluation, CollapsePolicy collapse, long seed) {
        this(name, model, pretraining, selfTraining, generations, sampling, mixing, evaluation, collapse, seed, null);
    }

    /** The problems with this config, each naming the field and what would be valid; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (name == null || name.isBlank()) {
            problems.add("name must not be empty");
        }
        if (generations < 0 || generations > 9_999) {
            problems.add("generations must be between 0 and 9999 (object keys hold four digits), was " + generations);
        }
        require(problems, model, "model", () -> model.problems(problems));
        int minPretrainingSteps = model != null && model.startsPretrained() ? 0 : 1;
        require(problems, pretraining, "pretraining",
                () -> pretraining.problems("pretraining", minPretrainingSteps, false, problems));
        require(problems, selfTraining, "selfTraining", () -> selfTraining.problems("selfTraining", 1, true, problems));
        require(problems, sampling, "sampling", () -> problems.addAll(sampling.problems()));
        require(problems, mixing, "mixing", () -> mixing.problems(problems));
        require(problems, evaluation, "evaluation", () -> evaluation.problems(problems));
        require(problems, collapse, "collapse", () -> collapse.problems(problems));
        if (retention != null) {
            retention.problems(problems);
        }
        // Only meaningful once every section is individually valid; otherwise it would repeat their complaints.
        // A size relative to the real text is checked against the window once it is resolved (corpusTokens).
        if (problems.isEmpty() && !sampling.tokensPerGeneration().isRelative()) {
            long tokens = sampling.tokensPerGeneration().tokens();
            if (tokens < trainingWindow()) {
                problems.add("sampling.tokensPerGeneration (" + tokens + ") must be at least model.contextLength + 1 ("
                        + trainingWindow() + ") so the next generation has a full training window");
            }
        }
        return problems;
    }

    /**
     * The number of tokens each generation samples: {@code sampling.tokensPerGeneration}, resolved against the real
     * training text's size in tokens under the run's tokenizer when it is relative to it. This is the one place a
     * corpus size is resolved; every driver of a run computes it once per run through here.
     *
     * @param realTrainTokens the real training text's size in tokens; asked for only when the size is relative
     * @throws IllegalArgumentException when a relative size comes to fewer tokens than a training window or more
     *                                  than a corpus may hold
     */
    public int corpusTokens(LongSupplier realTrainTokens) {
        CorpusSize size = sampling.tokensPerGeneration();
        if (!size.isRelative()) {
            return Math.toIntExact(size.tokens());
        }
        long real = realTrainTokens.getAsLong();
        long tokens = size.resolve(real);
        if (tokens < trainingWindow() || tokens > CorpusSize.MAX_TOKENS) {
            throw new IllegalArgumentException("sampling.tokensPerGeneration '" + size + "' of the real training "
                    + "text's " + real + " tokens is " + tokens + " tokens, which must be between model.contextLength"
                    + " + 1 (" + trainingWindow() + ") and " + CorpusSize.MAX_TOKENS + "; choose another multiple or"
                    + " a number of tokens");
        }
        return (int) tokens;
    }

    /** Throws {@link IllegalArgumentException} listing every problem when the config is invalid. */
    public ExperimentConfig validated() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid config: " + String.join("; ", problems));
        }
        return this;
    }

    /**
     * Whether the run ends after {@code generation}, given whether that generation collapsed: the one rule every
     * driver of a run follows (the in-process loop, the evaluator service), so that all end a run alike.
     * A collapse ends the run only under {@code collapse.stopOnCollapse}; it takes precedence over reaching the last
     * generation, which ends every run at {@link #generations()}.
     */
    public Optional<RunEnd> endAfter(int generation, boolean collapsed) {
        if (collapsed && collapse.stopOnCollapse()) {
            return Optional.of(RunEnd.COLLAPSE_DETECTED);
        }
        if (generation >= generations) {
            return Optional.of(RunEnd.MAX_GENERATIONS);
        }
        return Optional.empty();
    }

    public ExperimentConfig withName(String newName) {
        return new ExperimentConfig(newName, model, pretraining, selfTraining, generations, sampling, mixing,
                evaluation, collapse, seed, retention);
    }

    public ExperimentConfig withModel(ModelSettings newModel) {
        return new ExperimentConfig(name, newModel, pretraining, selfTraining, generations, sampling, mixing,
                evaluation, collapse, seed, retention);
    }

    public ExperimentConfig withGenerations(int newGenerations) {
        return new ExperimentConfig(name, model, pretraining, selfTraining, newGenerations, sampling, mixing,
                evaluation, collapse, seed, retention);
    }

    public ExperimentConfig withSeed(long newSeed) {
        return new ExperimentConfig(name, model, pretraining, selfTraining, generations, sampling, mixing,
                evaluation, collapse, newSeed, retention);
    }

    public ExperimentConfig withSelfTraining(TrainingSettings newSelfTraining) {
        return new ExperimentConfig(name, model, pretraining, newSelfTraining, generations, sampling, mixing,
                evaluation, collapse, seed, retention);
    }

    public ExperimentConfig withPretraining(TrainingSettings newPretraining) {
        return new ExperimentConfig(name, model, newPretraining, selfTraining, generations, sampling, mixing,
                evaluation, collapse, seed, retention);
    }

    public ExperimentConfig withSampling(SamplingSettings newSampling) {
        return new ExperimentConfig(name, model, pretraining, selfTraining, generations, newSampling, mixing,
                evaluation, collapse, seed, retention);
    }

    public ExperimentConfig withEvaluation(EvaluationSettings newEvaluation) {
        return new ExperimentConfig(name, model, pretraining, selfTraining, generations, sampling, mixing,
                newEvaluation, collapse, seed, retention);
    }

    public ExperimentConfig withMixing(MixingSettings newMixing) {
        return new ExperimentConfig(name, model, pretraining, selfTraining, generations, sampling, newMixing,
                evaluation, collapse, seed, retention);
    }

    /** This config with a retention policy; {@code null} keeps every checkpoint. */
    public ExperimentConfig withRetention(RetentionSettings newRetention) {
        return new ExperimentConfig(name, model, pretraining, selfTraining, generations, sampling, mixing,
                evaluation, collapse, seed, newRetention);
    }

    /** Whether generation {@code generation}'s checkpoint stays once {@code newestCheckpoint}'s is published. */
    public boolean keepsCheckpoint(int generation, int newestCheckpoint) {
        return retention == null || retention.keeps(generation, newestCheckpoint);
    }

    /** Tokens in one training window: the context and the token after it. */
    private int trainingWindow() {
        return model.contextLength() + 1;
    }

    private static void require(List<String> problems, Object section, String field, Runnable check) {
        if (section == null) {
            problems.add(field + " is missing");
        } else {
            check.run();
        }
    }
}
