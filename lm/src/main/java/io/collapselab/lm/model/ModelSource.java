package io.collapselab.lm.model;

/**
 * Where a step reads a model from: a checkpoint's objects in memory, or streamed from wherever they are stored, so
 * that a model of any size reaches the engine without passing through one array. Each call opens a model of its
 * own, which the caller closes.
 */
@FunctionalInterface
public interface ModelSource {

    /**
     * @throws IllegalArgumentException when the objects are not a checkpoint this build reads
     */
    LanguageModel open();

    /** A model for sampling and evaluation from its weights object in memory. */
    static ModelSource ofWeights(byte[] weights) {
        return () -> Checkpoint.read(weights);
    }

    /** A model to train further from both objects of its checkpoint in memory. */
    static ModelSource ofCheckpoint(byte[] weights, byte[] trainingState) {
        return () -> Checkpoint.read(weights, trainingState);
    }
}
