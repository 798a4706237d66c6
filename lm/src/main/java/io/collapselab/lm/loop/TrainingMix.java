package io.collapselab.lm.loop;

import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.MixingSettings;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.random.SeedRole;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Assembles the text that a generation after the first trains on, following the run's {@link MixingSettings}:
 * which earlier corpora it needs ({@link #corpusGenerations}) and the mix itself with its seed derived from the
 * run's ({@link #forGeneration}). Every driver of a run (the in-process loop, the trainer service, the audit's
 * checks and recomputation) goes through these two, so all build the same mix.
 */
public final class TrainingMix {

    /** The largest byte array the JVM reliably allocates. */
    private static final int MAX_LENGTH = Integer.MAX_VALUE - 8;

    private TrainingMix() {
    }

    /**
     * The generations whose corpora the mix of {@code generation} (at least 1) is built from, oldest first: every
     * earlier one for {@code accumulate}, only the previous one for the other policies.
     */
    public static List<Integer> corpusGenerations(MixingSettings mixing, int generation) {
        if (generation < 1) {
            throw new IllegalArgumentException("generation 0 trains on the real text, not on a mix; got " + generation);
        }
        return MixingSettings.ACCUMULATE.equals(mixing.policy())
                ? IntStream.range(0, generation).boxed().toList()
                : List.of(generation - 1);
    }

    /**
     * The training text of {@code generation} (at least 1) in a run of {@code config}.
     *
     * @param corpora the corpora of {@link #corpusGenerations}, in that order
     */
    public static byte[] forGeneration(ExperimentConfig config, byte[] realText, List<byte[]> corpora,
                                       int generation) {
        int needed = corpusGenerations(config.mixing(), generation).size();
        if (corpora.size() != needed) {
            throw new IllegalArgumentException("the " + config.mixing().policy() + " mix of generation " + generation
                    + " is built from " + needed + " corpora, got " + corpora.size());
        }
        return build(config.mixing(), realText, corpora, Rng.derive(config.seed(), generation, SeedRole.MIXING));
    }

    /**
     * The training text for generation g+1, where {@code corpora} holds corpora up to generation g in order (all of
     * 0..g for {@code accumulate}; the others read only the last).
     * <ul>
     *   <li>{@code replace}: corpus g alone.</li>
     *   <li>{@code accumulate}: the real text followed by corpora 0..g.</li>
     *   <li>{@code mix}: corpus g followed by one contiguous slice of the real text, sized so that real bytes are
     *       {@code realFraction} of the result (rounded to whole bytes; the whole real text when it is shorter).
     *       The slice starts at an offset drawn from {@code new SplittableRandom(seed)} and wraps around to the
     *       start of the real text when it runs past the end.</li>
     * </ul>
     * The result depends only on the arguments.
     *
     * @throws IllegalArgumentException when {@code corpora} is empty or the settings are not valid
     */
    static byte[] build(MixingSettings mixing, byte[] realText, List<byte[]> corpora, long seed) {
        if (corpora.isEmpty()) {
            throw new IllegalArgumentException("corpora must hold the corpora of generations 0..g (at least one), "
                    + "but was empty; a training mix is built only after a generation has sampled its corpus");
        }
        byte[] latest = corpora.get(corpora.size() - 1);
        return switch (mixing.policy()) {
            case MixingSettings.REPLACE -> latest.clone();
            case MixingSettings.ACCUMULATE -> accumulate(realText, corpora);
            case MixingSettings.MIX -> mix(latest, realText, mixing.realFraction(), seed);
            default -> throw new IllegalArgumentException("mixing.policy must be 'replace', 'accumulate' or 'mix', "
                    + "was '" + mixing.policy() + "'");
        };
    }

    private static byte[] accumulate(byte[] realText, List<byte[]> corpora) {
        long length = realText.length;
        for (byte[] corpus : corpora) {
            length += corpus.length;
        }
        byte[] all = new byte[checkedLength(length, MixingSettings.ACCUMULATE)];
        System.arraycopy(realText, 0, all, 0, realText.length);
        int position = realText.length;
        for (byte[] corpus : corpora) {
            System.arraycopy(corpus, 0, all, position, corpus.length);
            position += corpus.length;
        }
        return all;
    }

    private static byte[] mix(byte[] corpus, byte[] realText, double realFraction, long seed) {
        if (!(realFraction > 0 && realFraction < 1)) {
            throw new IllegalArgumentException("mixing.realFraction must be in (0, 1) for the mix policy, was "
                    + realFraction);
        }
        // realBytes / (corpus.length + realBytes) = realFraction
        long wanted = Math.round(corpus.length * realFraction / (1 - realFraction));
        int realBytes = (int) Math.min(wanted, realText.length);
        byte[] mixed = new byte[checkedLength((long) corpus.length + realBytes, MixingSettings.MIX)];
        System.arraycopy(corpus, 0, mixed, 0, corpus.length);
        if (realBytes > 0) {
            int offset = new SplittableRandom(seed).nextInt(realText.length);
            int firstPart = Math.min(realBytes, realText.length - offset);
            System.arraycopy(realText, offset, mixed, corpus.length, firstPart);
            System.arraycopy(realText, 0, mixed, corpus.length + firstPart, realBytes - firstPart);
        }
        return mixed;
    }

    private static int checkedLength(long length, String policy) {
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("the " + policy + " training mix would hold " + length
                    + " bytes, more than the " + MAX_LENGTH + " a Java array can; lower sampling.tokensPerGeneration, "
                    + "the number of generations or mixing.realFraction");
        }
        return (int) length;
    }
}
