package io.collapselab.lm.model;

/**
 * Where a model stands in training: optimizer steps and tokens over its whole life, and within the current phase
 * (one generation's training) the next step's index and the state of the generator that picks training windows.
 * All of it travels in the checkpoint, so a phase interrupted by a save continues exactly.
 */
public record TrainingProgress(long totalSteps, long tokensSeen, int phaseStep, long windowRngState) {

    public static final TrainingProgress START = new TrainingProgress(0, 0, 0, 0);

    public TrainingProgress beginPhase(long windowSeed) {
        return new TrainingProgress(totalSteps, tokensSeen, 0, windowSeed);
    }

    public TrainingProgress afterStep(long tokens, long rngState) {
        return new TrainingProgress(totalSteps + 1, tokensSeen + tokens, phaseStep + 1, rngState);
    }
}
