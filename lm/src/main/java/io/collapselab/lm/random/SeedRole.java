package io.collapselab.lm.random;

/**
 * What a derived seed is for; each role of each generation gets an independent stream. The ordinal enters the
 * derivation, so new roles go last: reordering would change every recorded run's seeds.
 */
public enum SeedRole {
    INITIAL_WEIGHTS,
    TRAINING_WINDOWS,
    ENGINE,
    SAMPLING,
    MIXING,
    /** Where the held-out windows of the window estimate lie; evaluation only, never training. */
    HELDOUT_WINDOWS
}
