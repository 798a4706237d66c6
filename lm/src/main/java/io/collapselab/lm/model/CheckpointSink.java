package io.collapselab.lm.model;

/**
 * Where a step writes the checkpoint of a model it trained, while the model is still open: into memory, or streamed
 * to wherever it is stored ({@link Checkpoint#writeWeights}, {@link Checkpoint#writeTrainingState}).
 */
@FunctionalInterface
public interface CheckpointSink {

    /** Writes both objects of the model's checkpoint and returns their digests. */
    Digests write(LanguageModel model);

    /** The SHA-256 of a checkpoint's weights object and of its training-state object. */
    record Digests(String weights, String trainingState) {
    }
}
