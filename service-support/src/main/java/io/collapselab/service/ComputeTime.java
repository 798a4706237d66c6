package io.collapselab.service;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The time one handler spends inside the language model's steps ({@code GenerationSteps}), as opposed to the rest
 * of its wall time, which is the pipeline's overhead (see {@link PipelineMetrics}). Used by one thread.
 */
public final class ComputeTime {

    private long nanos;

    /** Runs one step and counts its duration as compute. */
    public <T> T measure(Supplier<T> step) {
        long started = System.nanoTime();
        try {
            return step.get();
        } finally {
            nanos += System.nanoTime() - started;
        }
    }

    public Duration total() {
        return Duration.ofNanos(nanos);
    }
}
