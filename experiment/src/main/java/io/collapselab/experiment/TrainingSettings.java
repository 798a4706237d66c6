package io.collapselab.experiment;

import java.util.List;

/**
 * How one generation trains: {@code steps} AdamW steps on batches of {@code batchSize} random windows of
 * context length + 1 tokens. {@code schedule} is {@code constant} or {@code cosine} (linear warm-up over
 * {@code warmupSteps}, then cosine decay to {@code minLearningRate} at the last step).
 * {@code carryOptimizerState}: whether a self-trained generation resumes the AdamW moments and step count of its
 * parent checkpoint. Ignored for pre-training and for the first self-trained generation, which both start a fresh
 * optimizer (as the paper builds AdamW after loading the pre-trained model).
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
        boolean carryOptimizerState) {

    public static final String CONSTANT = "constant";
    public static final String COSINE = "cosine";

    /**
     * Adds this section's problems, naming its fields under {@code field}.
     *
     * @param minSteps 0 where no training is a choice (pre-training a pretrained model), else 1
     */
    void problems(String field, int minSteps, List<String> problems) {
        if (steps < minSteps || steps > 100_000_000) {
            problems.add(field + ".steps must be between " + minSteps + " and 100000000, was " + steps);
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

    public TrainingSettings withSteps(int newSteps) {
        return new TrainingSettings(newSteps, batchSize, learningRate, minLearningRate, schedule, warmupSteps, beta1,
                beta2, weightDecay, gradientClip, carryOptimizerState);
    }

    public TrainingSettings withLearningRate(double newLearningRate) {
        return new TrainingSettings(steps, batchSize, newLearningRate, Math.min(minLearningRate, newLearningRate),
                schedule, warmupSteps, beta1, beta2, weightDecay, gradientClip, carryOptimizerState);
    }
}
