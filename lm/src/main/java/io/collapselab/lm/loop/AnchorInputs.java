package io.collapselab.lm.loop;

/**
 * What an anchored self-training generation reads beyond its parent and its training mix
 * ({@code selfTraining.klAnchor}, {@code selfTraining.realGradientWeight}): generation 0's checkpoint, the KL
 * anchor's frozen reference, and the run's real training text, whose batches the real-gradient term draws from.
 * Both are part of the run's recorded lineage (checkpoint 0 and the run's training input), so the services and the
 * audit find them as the loop does.
 */
public record AnchorInputs(byte[] generation0Checkpoint, byte[] realTrainText) {
}
