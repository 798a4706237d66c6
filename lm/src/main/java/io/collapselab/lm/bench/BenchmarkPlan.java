package io.collapselab.lm.bench;

/**
 * How much work each measurement of a benchmark does. Each measurement first runs untimed for
 * {@code warmupSeconds} (training and the matrix products at least {@code warmupSteps} steps or passes): the Java
 * side runs at full speed only once the JIT has compiled it, which takes seconds, and until then its compiler
 * threads take cores from the engine's; a sampled token costs a few dozen small operations, so at batch 1 the Java
 * side dominates. Then come up to {@code repetitions} timed runs, training ones of {@code stepsPerRepetition}
 * steps. Warm-up stops early once it has taken {@code maxSecondsPerMeasurement}, and so does repeating once the
 * timed runs add up to that, so a slow machine (or a slow BLAS under the PyTorch reference) makes a benchmark less
 * repeated, not endless; at least one timed run always happens.
 */
public record BenchmarkPlan(int warmupSteps, int stepsPerRepetition, int repetitions,
                            double maxSecondsPerMeasurement, double warmupSeconds) {

    /** Training work per timed run, in floating-point operations; about a second on two cores for any size. */
    private static final double FLOPS_PER_REPETITION = 3e10;
    private static final int MIN_STEPS = 2;
    private static final int MAX_STEPS = 20;

    public BenchmarkPlan {
        if (warmupSteps < 0 || stepsPerRepetition < 1 || repetitions < 1 || !(maxSecondsPerMeasurement > 0)
                || !(warmupSeconds >= 0)) {
            throw new IllegalArgumentException("invalid benchmark plan: warm-up " + warmupSteps + ", steps "
                    + stepsPerRepetition + ", repetitions " + repetitions + ", max seconds "
                    + maxSecondsPerMeasurement + ", warm-up seconds " + warmupSeconds);
        }
    }

    /**
     * The plan for one model size. Steps per timed run scale inversely with the work of a step (about 6 floating
     * point operations per parameter and token, forward plus backward), so small and large models time similar
     * stretches. {@code quick} is a smoke run: it shows that everything works and gives rough numbers.
     */
    public static BenchmarkPlan forSize(ModelSize size, int batchSize, boolean quick) {
        double flopsPerStep = 6.0 * size.config(256).parameterCount() * batchSize * size.contextLength();
        int steps = (int) Math.max(MIN_STEPS, Math.min(MAX_STEPS, Math.round(FLOPS_PER_REPETITION / flopsPerStep)));
        if (quick) {
            return new BenchmarkPlan(2, Math.max(1, steps / 4), 1, 5, 0.5);
        }
        return new BenchmarkPlan(5, steps, 3, 20, 4);
    }
}
