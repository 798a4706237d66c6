package io.collapselab.service;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The time one handler spends computing inside the language model's steps ({@code GenerationSteps}), as opposed to
 * the rest of its wall time, which is the pipeline's overhead (see {@link PipelineMetrics}). Moving the model
 * between checkpoint bytes and the engine, which a step reports, is overhead too: an undistributed loop would keep
 * the model in memory. Used by one thread.
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

    /** Takes the checkpoint reading and writing a measured step reported back out of the compute time. */
    public void excludeCheckpointIo(long checkpointIoMs) {
        nanos -= checkpointIoMs * 1_000_000;
    }

    public Duration total() {
        return Duration.ofNanos(nanos);
    }
}
