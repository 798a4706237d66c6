package io.collapselab.service;

import io.collapselab.lm.loop.GenerationSteps.StepResult;
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

    /** Runs one step and counts its duration, less the checkpoint reading and writing it reports, as compute. */
    public <T extends StepResult> T measure(Supplier<T> step) {
        long started = System.nanoTime();
        T result = step.get();
        nanos += System.nanoTime() - started - result.checkpointIoMs() * 1_000_000;
        return result;
    }

    public Duration total() {
        return Duration.ofNanos(nanos);
    }
}
