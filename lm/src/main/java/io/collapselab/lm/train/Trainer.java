package io.collapselab.lm.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.collapselab.experiment.TrainingSettings;
import io.collapselab.lm.model.GradMode;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.model.TrainingProgress;
import io.collapselab.lm.random.Rng;

import java.util.Map;

/**
 * Trains a {@link LanguageModel} as nanoGPT does: each step takes a batch of random windows of context length + 1
 * tokens, predicts every next token, and applies one AdamW step to the mean cross-entropy. The window generator and
 * the step within the phase live in the model's {@link TrainingProgress}, so a phase can stop at a checkpoint and
 * continue in another process with the same result. {@link Anchors} add terms to the objective of self-training;
 * without them a step is exactly the plain one.
 */
public final class Trainer {

    /** Receives each step's loss; called on the training thread. */
    @FunctionalInterface
    public interface StepListener {
        void onStep(int phaseStep, int phaseSteps, double loss, double learningRate);
    }

    private Trainer() {
    }

    /**
     * Starts a phase: resets the window generator and the step index, and with {@code carryOptimizerState} false
     * also forgets the AdamW moments.
     */
    public static void beginPhase(LanguageModel model, long windowSeed, boolean carryOptimizerState) {
        if (!carryOptimizerState) {
            model.optimizer().reset();
        }
        model.setProgress(model.progress().beginPhase(windowSeed));
    }

    /**
     * Runs up to {@code steps} steps of the current phase, stopping early at the phase's last step.
     *
     * @return mean loss of the steps run (NaN when none ran)
     */
    public static double train(LanguageModel model, TrainingSettings settings, int[] tokens, int steps,
                               StepListener listener) {
        return train(model, settings, tokens, steps, Anchors.NONE, listener);
    }

    /**
     * Runs up to {@code steps} steps as {@link #train(LanguageModel, TrainingSettings, int[], int, StepListener)}
     * does, each minimising the cross-entropy of its batch plus the terms of {@code anchors}: β · KL(p_model ‖
     * p_reference) on the batch's own inputs, the reference in evaluation mode and out of the gradient, and γ times
     * the cross-entropy of a batch of real windows, drawn after the step's own batch from the same window generator.
     *
     * @return mean cross-entropy of the steps' own batches, without the anchor terms (NaN when none ran)
     */
    public static double train(LanguageModel model, TrainingSettings settings, int[] tokens, int steps,
                               Anchors anchors, StepListener listener) {
        int window = model.config().contextLength() + 1;
        if (tokens.length < window) {
            throw new IllegalArgumentException("training text has " + tokens.length + " tokens, fewer than one "
                    + "window of context length + 1 = " + window);
        }
        if (anchors.realWeight() > 0 && anchors.realTokens().length < window) {
            throw new IllegalArgumentException("real training text has " + anchors.realTokens().length
                    + " tokens, fewer than one window of context length + 1 = " + window);
        }
        model.optimizer().configure(settings.beta1(), settings.beta2(), settings.weightDecay());
        Map<String, NDArray> weights = model.trainableWeights();
        double lossSum = 0;
        int ran = 0;
        while (ran < steps && model.progress().phaseStep() < settings.steps()) {
            TrainingProgress progress = model.progress();
            Rng rng = new Rng(progress.windowRngState());
            double learningRate = LearningRateSchedule.at(settings, progress.phaseStep());
            double loss;
            try (NDManager scope = model.manager().newSubManager()) {
                NDArray[] batch = sampleBatch(scope, tokens, settings.batchSize(), window, rng);
                NDArray[] realBatch = anchors.realWeight() > 0
                        ? sampleBatch(scope, anchors.realTokens(), settings.batchSize(), window, rng) : null;
                NDArray referenceLogits = null;
                if (anchors.klWeight() > 0) {
                    try (GradMode off = GradMode.disabled()) {
                        referenceLogits = anchors.reference().gpt().forward(batch[0], false);
                    }
                }
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = model.gpt().forward(batch[0], true);
                    NDArray lossArray = crossEntropy(logits, batch[1]);
                    NDArray objective = lossArray;
                    if (referenceLogits != null) {
                        objective = objective.add(klDivergence(logits, referenceLogits)
                                .mul((float) anchors.klWeight()));
                    }
                    if (realBatch != null) {
                        objective = objective.add(crossEntropy(model.gpt().forward(realBatch[0], true), realBatch[1])
                                .mul((float) anchors.realWeight()));
                    }
                    collector.backward(objective);
                    loss = lossArray.getFloat();
                }
                try (GradMode off = GradMode.disabled()) {
                    model.optimizer().step(weights, learningRate, settings.gradientClip());
                }
            }
            model.setProgress(progress.afterStep((long) settings.batchSize() * (window - 1), rng.state()));
            lossSum += loss;
            ran++;
            if (listener != null) {
                listener.onStep(progress.phaseStep(), settings.steps(), loss, learningRate);
            }
        }
        return ran == 0 ? Double.NaN : lossSum / ran;
    }

    /** Mean negative log-likelihood of {@code targets (B, T)} under {@code logits (B, T, V)}. */
    public static NDArray crossEntropy(NDArray logits, NDArray targets) {
        long vocabulary = logits.getShape().get(2);
        return logits.reshape(-1, vocabulary)
                .logSoftmax(1)
                .gather(targets.reshape(-1, 1), 1)
                .mean()
                .neg();
    }

    /**
     * Mean over positions of KL(p ‖ q) = Σ_v p_v (log p_v − log q_v), p from {@code logits (B, T, V)} and q from
     * {@code referenceLogits} of the same shape.
     */
    public static NDArray klDivergence(NDArray logits, NDArray referenceLogits) {
        NDArray logP = logits.logSoftmax(-1);
        NDArray logQ = referenceLogits.logSoftmax(-1);
        return logP.exp().mul(logP.sub(logQ)).sum(new int[] {-1}).mean();
    }

    /** Inputs and next-token targets, both (B, T), of B windows starting at random offsets. */
    private static NDArray[] sampleBatch(NDManager scope, int[] tokens, int batchSize, int window, Rng rng) {
        int t = window - 1;
        long[] inputs = new long[batchSize * t];
        long[] targets = new long[batchSize * t];
        for (int b = 0; b < batchSize; b++) {
            int start = rng.nextInt(tokens.length - window + 1);
            for (int i = 0; i < t; i++) {
                inputs[b * t + i] = tokens[start + i];
                targets[b * t + i] = tokens[start + i + 1];
            }
        }
        Shape shape = new Shape(batchSize, t);
        return new NDArray[] {scope.create(inputs, shape), scope.create(targets, shape)};
    }
}
