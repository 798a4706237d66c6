package io.collapselab.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * How one generation trains: {@code steps} AdamW steps on batches of {@code batchSize} random windows of
 * context length + 1 tokens. {@code schedule} is {@code constant} or {@code cosine} (linear warm-up over
 * {@code warmupSteps}, then cosine decay to {@code minLearningRate} at the last step).
 * {@code carryOptimizerState}: whether a self-trained generation resumes the AdamW moments and step count of its
 * parent checkpoint. Ignored for pre-training and for the first self-trained generation, which both start a fresh
 * optimizer (as the paper builds AdamW after loading the pre-trained model).
 *
 * <p>{@code budget}: how many steps a phase takes. {@value #FIXED_STEPS} (the default of a config without the field):
 * {@code steps}, whatever the size of the text. {@value #EPOCHS}: enough steps for the training windows to cover
 * the text {@code epochs} times, so that a phase on more data trains longer, as the growing pool of the
 * {@code accumulate} policy does in Gerstgrasser et al. 2024; {@code steps} is then not read. Either way the steps
 * a phase took are recorded with its checkpoint.
 *
 * <p>Anchors, for self-training only (absent or 0: off, and the objective is the plain cross-entropy, bit for bit):
 * {@code klAnchor} β adds β · KL(p_model ‖ p_reference) on the step's own tokens, the reference being generation 0
 * held frozen (the pretrained model where the run starts from one), as instruction tuning keeps a model near its
 * start; {@code realGradientWeight} γ adds γ times the cross-entropy of a batch of real training text drawn at every
 * step, InstructGPT's pre-training term, which changes the objective where {@code mixing} changes the data.
 */
public record TrainingSettings(
        int steps,
        int batchSize,
        double learningRate,
        double minLearningRate,
        String schedule,
        int warmupSteps,
        double beta1,
        double beta2,
        double weightDecay,
        double gradientClip,
        boolean carryOptimizerState,
        String budget,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double epochs,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double klAnchor,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double realGradientWeight) {

    public static final String CONSTANT = "constant";
    public static final String COSINE = "cosine";
    public static final String FIXED_STEPS = "fixed-steps";
    public static final String EPOCHS = "epochs";

    /** The most steps one phase may take. */
    public static final int MAX_STEPS = 100_000_000;

    /** The most epochs one phase may train. */
    public static final int MAX_EPOCHS = 10_000;

    /** The largest weight an anchor term may have. */
    public static final double MAX_ANCHOR_WEIGHT = 1_000;

    public TrainingSettings {
        if (budget == null) {
            budget = FIXED_STEPS;
        }
    }

    /** Settings without anchors. */
    public TrainingSettings(int steps, int batchSize, double learningRate, double minLearningRate, String schedule,
                            int warmupSteps, double beta1, double beta2, double weightDecay, double gradientClip,
                            boolean carryOptimizerState, String budget, Double epochs) {
        this(steps, batchSize, learningRate, minLearningRate, schedule, warmupSteps, beta1, beta2, weightDecay,
                gradientClip, carryOptimizerState, budget, epochs, null, null);
    }

    /** Settings of a phase that takes {@code steps} steps. */
    public TrainingSettings(int steps, int batchSize, double learningRate, double minLearningRate, String schedule,
                            int warmupSteps, double beta1, double beta2, double weightDecay, double gradientClip,
                            boolean carryOptimizerState) {
        this(steps, batchSize, learningRate, minLearningRate, schedule, warmupSteps, beta1, beta2, weightDecay,
                gradientClip, carryOptimizerState, FIXED_STEPS, null);
    }

    /**
     * Adds this section's problems, naming its fields under {@code field}.
     *
     * @param minSteps 0 where no training is a choice (pre-training a pretrained model), else 1
     */
    void problems(String field, int minSteps, boolean anchorsAllowed, List<String> problems) {
        anchorProblems(field, "klAnchor", klAnchor, anchorsAllowed, problems);
        anchorProblems(field, "realGradientWeight", realGradientWeight, anchorsAllowed, problems);
        if (FIXED_STEPS.equals(budget)) {
            if (steps < minSteps || steps > MAX_STEPS) {
                problems.add(field + ".steps must be between " + minSteps + " and " + MAX_STEPS + ", was " + steps);
            }
            if (epochs != null) {
                problems.add(field + ".epochs is read only under budget '" + EPOCHS + "'; remove it or set "
                        + field + ".budget to '" + EPOCHS + "'");
            }
        } else if (EPOCHS.equals(budget)) {
            if (epochs == null) {
                problems.add(field + ".epochs is missing; budget '" + EPOCHS + "' trains that many epochs");
            } else if (!(epochs > 0 && epochs <= MAX_EPOCHS)) {
                problems.add(field + ".epochs must be in (0, " + MAX_EPOCHS + "], was " + epochs);
            }
        } else {
            problems.add(field + ".budget must be '" + FIXED_STEPS + "' or '" + EPOCHS + "', was '" + budget + "'");
        }
        if (batchSize < 1 || batchSize > 65_536) {
            problems.add(field + ".batchSize must be between 1 and 65536, was " + batchSize);
        }
        if (!(learningRate > 0 && learningRate <= 10)) {
            problems.add(field + ".learningRate must be in (0, 10], was " + learningRate);
        }
        if (!(minLearningRate >= 0 && minLearningRate <= learningRate)) {
            problems.add(field + ".minLearningRate must be in [0, learningRate], was " + minLearningRate);
        }
        if (!CONSTANT.equals(schedule) && !COSINE.equals(schedule)) {
            problems.add(field + ".schedule must be 'constant' or 'cosine', was '" + schedule + "'");
        }
        if (warmupSteps < 0) {
            problems.add(field + ".warmupSteps must not be negative, was " + warmupSteps);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            problems.add(field + ".beta1 must be in [0, 1), was " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            problems.add(field + ".beta2 must be in [0, 1), was " + beta2);
        }
        if (!(weightDecay >= 0 && weightDecay <= 10)) {
            problems.add(field + ".weightDecay must be in [0, 10], was " + weightDecay);
        }
        if (!(gradientClip >= 0)) {
            problems.add(field + ".gradientClip must be >= 0 (0 disables clipping), was " + gradientClip);
        }
    }

    private static void anchorProblems(String field, String name, Double weight, boolean allowed,
                                       List<String> problems) {
        if (weight == null) {
            return;
        }
        if (!allowed) {
            problems.add(field + "." + name + " anchors self-training to its start; pre-training has none, remove it");
        } else if (!(weight >= 0 && weight <= MAX_ANCHOR_WEIGHT)) {
            problems.add(field + "." + name + " must be in [0, " + (int) MAX_ANCHOR_WEIGHT + "], was " + weight);
        }
    }

    /** β of the KL anchor to generation 0; 0 when off. */
    public double klAnchorOrZero() {
        return klAnchor == null ? 0 : klAnchor;
    }

    /** γ of the real-text cross-entropy added to every step; 0 when off. */
    public double realGradientWeightOrZero() {
        return realGradientWeight == null ? 0 : realGradientWeight;
    }

    /** Whether a step's objective has a term beyond the cross-entropy of its own batch. */
    public boolean anchored() {
        return klAnchorOrZero() > 0 || realGradientWeightOrZero() > 0;
    }

    /**
     * The steps of a phase that trains on {@code trainingTokens} tokens in windows of {@code contextLength}
     * predicted tokens: {@code steps} under {@value #FIXED_STEPS}; under {@value #EPOCHS}, the steps of
     * {@code batchSize} windows it takes to see {@code epochs} times {@code trainingTokens} tokens, rounded up.
     *
     * @param field the section these settings are, for the message
     * @throws IllegalArgumentException when the epochs come to more than {@value #MAX_STEPS} steps
     */
    public int stepsFor(long trainingTokens, int contextLength, String field) {
        if (!EPOCHS.equals(budget)) {
            return steps;
        }
        double tokensPerStep = (double) batchSize * contextLength;
        double derived = Math.max(1, Math.ceil(epochs * trainingTokens / tokensPerStep));
        if (derived > MAX_STEPS) {
            throw new IllegalArgumentException(field + ".epochs (" + epochs + ") of " + trainingTokens + " tokens take "
                    + (long) derived + " steps of " + (long) tokensPerStep + " tokens, more than " + MAX_STEPS
                    + "; lower " + field + ".epochs or raise " + field + ".batchSize");
        }
        return (int) derived;
    }

    /** These settings with a fixed budget of {@code newSteps} steps. */
    public TrainingSettings withSteps(int newSteps) {
        return new TrainingSettings(newSteps, batchSize, learningRate, minLearningRate, schedule, warmupSteps, beta1,
                beta2, weightDecay, gradientClip, carryOptimizerState, FIXED_STEPS, null, klAnchor,
                realGradientWeight);
    }

    /** These settings with a budget of {@code newEpochs} epochs of the text. */
    public TrainingSettings withEpochs(double newEpochs) {
        return new TrainingSettings(steps, batchSize, learningRate, minLearningRate, schedule, warmupSteps, beta1,
                beta2, weightDecay, gradientClip, carryOptimizerState, EPOCHS, newEpochs, klAnchor,
                realGradientWeight);
    }

    public TrainingSettings withLearningRate(double newLearningRate) {
        return new TrainingSettings(steps, batchSize, newLearningRate, Math.min(minLearningRate, newLearningRate),
                schedule, warmupSteps, beta1, beta2, weightDecay, gradientClip, carryOptimizerState, budget, epochs,
                klAnchor, realGradientWeight);
    }

    /** These settings with the anchor weights {@code newKlAnchor} and {@code newRealGradientWeight} (null: off). */
    public TrainingSettings withAnchors(Double newKlAnchor, Double newRealGradientWeight) {
        return new TrainingSettings(steps, batchSize, learningRate, minLearningRate, schedule, warmupSteps, beta1,
                beta2, weightDecay, gradientClip, carryOptimizerState, budget, epochs, newKlAnchor,
                newRealGradientWeight);
    }
}
