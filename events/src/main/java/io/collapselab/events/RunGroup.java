package io.collapselab.events;

import java.util.Map;

/**
 * The grid a run was submitted in: the runs of one grid (a sweep over one or more knobs, several seeds, or both)
 * share {@code id}, and {@code settings} holds this run's value of every knob that varies across the grid, in the
 * grid's order (e.g. {@code lr=3e-3}, {@code seed=2}). A report labels and groups the runs by them: runs whose
 * settings differ only in {@code seed} are repetitions of one setting.
 */
public record RunGroup(String id, Map<String, String> settings) {

    /** The knob that tells repetitions of one setting apart. */
    public static final String SEED = "seed";

    /** The most knobs a grid may vary. */
    public static final int MAX_SETTINGS = 16;
}
