package io.collapselab.lm.random;

/** What a derived seed is for; each role of each generation gets an independent stream. */
public enum SeedRole {
    INITIAL_WEIGHTS,
    TRAINING_WINDOWS,
    ENGINE,
    SAMPLING,
    MIXING
}
