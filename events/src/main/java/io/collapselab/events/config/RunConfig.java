package io.collapselab.events.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The run configuration carried by {@code RunRequested}: everything that determines a self-training run.
 *
 * <p>This record and its nested settings have exactly the JSON shape (field names and nesting) of the language
 * model's own experiment configuration, so a service converts one into the other with Jackson's
 * {@code convertValue} without this module depending on the model code. The validation rules and their messages
 * mirror that configuration's, so a submitter learns of a bad config before any service does.
 */
public record RunConfig(
        String name,
        ModelSettings model,
        TrainingSettings pretraining,
        TrainingSettings selfTraining,
        int generations,
        SamplingSettings sampling,
        MixingSettings mixing,
        EvaluationSettings evaluation,
        CollapsePolicy collapse,
        long seed) {

    /** The problems with this config, each naming the field and what would be valid; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (name == null || name.isBlank()) {
            problems.add("name must not be empty");
        }
        if (generations < 0 || generations > 9_999) {
            problems.add("generations must be between 0 and 9999 (object keys hold four digits), was " + generations);
        }
        if (model == null) {
            problems.add("model is missing");
        } else {
            model.problems(problems);
        }
        if (pretraining == null) {
            problems.add("pretraining is missing");
        } else {
            pretraining.problems("pretraining", problems);
        }
        if (selfTraining == null) {
            problems.add("selfTraining is missing");
        } else {
            selfTraining.problems("selfTraining", problems);
        }
        if (sampling == null) {
            problems.add("sampling is missing");
        } else {
            problems.addAll(sampling.problems());
        }
        if (mixing == null) {
            problems.add("mixing is missing");
        } else {
            mixing.problems(problems);
        }
        if (evaluation == null) {
            problems.add("evaluation is missing");
        } else {
            evaluation.problems(problems);
        }
        if (collapse == null) {
            problems.add("collapse is missing");
        } else {
            collapse.problems(problems);
        }
        // Only meaningful once every section is individually valid; otherwise it would repeat their complaints.
        if (problems.isEmpty()) {
            int window = model.contextLength() + 1;
            if (sampling.tokensPerGeneration() < window) {
                problems.add("sampling.tokensPerGeneration (" + sampling.tokensPerGeneration()
                        + ") must be at least model.contextLength + 1 (" + window + ") so the next generation has a "
                        + "full training window");
            }
        }
        return problems;
    }

    /** Returns this config, or throws {@link IllegalArgumentException} listing every problem when it is invalid. */
    public RunConfig validated() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid config: " + String.join("; ", problems));
        }
        return this;
    }
}
