package io.collapselab.lm.random;

/**
 * SplitMix64: a small, fast generator whose whole state is one {@code long}, so it can be written into a
 * checkpoint and resumed exactly. Every random choice of a run outside the tensor engine (initial weights,
 * training windows, sampled tokens) draws from one of these.
 */
public final class Rng {

    private long state;
    private double spareGaussian = Double.NaN;

    public Rng(long seed) {
        this.state = seed;
    }

    /** The state to store; {@code new Rng(state)} continues the sequence exactly (spare Gaussians excluded). */
    public long state() {
        return state;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound), without modulo bias. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, was " + bound);
        }
        long limit = Long.remainderUnsigned(-1L, bound);
        while (true) {
            long r = nextLong();
            if (Long.compareUnsigned(r, -1L - limit) <= 0 || limit == 0) {
                return (int) Long.remainderUnsigned(r, bound);
            }
        }
    }

    /** Standard normal by the Marsaglia polar method. */
    public double nextGaussian() {
        if (!Double.isNaN(spareGaussian)) {
            double value = spareGaussian;
            spareGaussian = Double.NaN;
            return value;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double scale = Math.sqrt(-2 * Math.log(s) / s);
        spareGaussian = v * scale;
        return u * scale;
    }

    /**
     * A seed for one purpose of one generation of a run, so that the same generation computed by any process, on
     * any replica, after any restart, draws the same numbers.
     */
    public static long derive(long runSeed, int generation, SeedRole role) {
        Rng mixer = new Rng(runSeed ^ (0x5DEECE66DL * (generation + 1L)) ^ ((long) role.ordinal() << 56));
        mixer.nextLong();
        return mixer.nextLong();
    }
}
