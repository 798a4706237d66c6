package io.collapselab.lm.train;

import io.collapselab.experiment.TrainingSettings;

/** The learning rate of each step of a training phase: optional linear warm-up, then constant or cosine decay. */
public final class LearningRateSchedule {

    private LearningRateSchedule() {
    }

    /** Learning rate for step {@code step} (0-based) of a phase configured by {@code settings}. */
    public static double at(TrainingSettings settings, int step) {
        double peak = settings.learningRate();
        int warmup = settings.warmupSteps();
        if (step < warmup) {
            return peak * (step + 1) / warmup;
        }
        if (TrainingSettings.CONSTANT.equals(settings.schedule())) {
            return peak;
        }
        int decaySteps = Math.max(1, settings.steps() - warmup - 1);
        double progress = Math.min(1.0, (double) (step - warmup) / decaySteps);
        double floor = settings.minLearningRate();
        return floor + 0.5 * (1 + Math.cos(Math.PI * progress)) * (peak - floor);
    }
}
