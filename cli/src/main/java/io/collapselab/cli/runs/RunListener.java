package io.collapselab.cli.runs;

import io.collapselab.events.CollapseEvent;
import io.collapselab.lm.loop.GenerationReport;

/** Hears how a run advances while a {@link RunObserver} reads it; called on the reading thread. */
public interface RunListener {

    RunListener NONE = new RunListener() {
    };

    /**
     * An event of the run joined its {@link RunLog} view: the first copy of an event was read (later copies of the
     * same event, and a {@code RunCompleted} after the first, are not reported).
     */
    default void onEvent(CollapseEvent event) {
    }

    /** A generation's summary entry can be given, see {@link RunLog#report}; called in generation order. */
    default void onGeneration(GenerationReport report) {
    }

    /** Tells {@code first}, then {@code second}. */
    static RunListener both(RunListener first, RunListener second) {
        return new RunListener() {
            @Override
            public void onEvent(CollapseEvent event) {
                first.onEvent(event);
                second.onEvent(event);
            }

            @Override
            public void onGeneration(GenerationReport report) {
                first.onGeneration(report);
                second.onGeneration(report);
            }
        };
    }
}
