package io.collapselab.lm.loop;

import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.MixingSettings;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.random.SeedRole;

import java.util.ArrayList;
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

    /**
     * How many training windows' worth of bytes one block of an {@code accumulate-subsample} draw holds: a block is
     * about four windows of BPE or GPT-2 text and sixteen of byte-level text, so most windows the trainer draws from
     * the subsample lie within one block rather than across the join of two unrelated ones.
     */
    static final int SUBSAMPLE_BLOCK_WINDOWS = 16;

    private TrainingMix() {
    }

    /**
     * The generations whose corpora the mix of {@code generation} (at least 1) is built from, oldest first: every
     * earlier one for {@code accumulate} and {@code accumulate-subsample}, only the previous one for the others.
     */
    public static List<Integer> corpusGenerations(MixingSettings mixing, int generation) {
        if (generation < 1) {
            throw new IllegalArgumentException("generation 0 trains on the real text, not on a mix; got " + generation);
        }
        return mixing.accumulates()
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
        return build(config.mixing(), realText, corpora, Rng.derive(config.seed(), generation, SeedRole.MIXING),
                subsampleBlockBytes(config.model().contextLength()));
    }

    /** The bytes of one block of an {@code accumulate-subsample} draw for a model of that context length. */
    static int subsampleBlockBytes(int contextLength) {
        return SUBSAMPLE_BLOCK_WINDOWS * (contextLength + 1);
    }

    /**
     * The training text for generation g+1, where {@code corpora} holds corpora up to generation g in order (all of
     * 0..g for the accumulating policies; the others read only the last).
     * <ul>
     *   <li>{@code replace}: corpus g alone.</li>
     *   <li>{@code accumulate}: the real text followed by corpora 0..g.</li>
     *   <li>{@code accumulate-subsample}: as many bytes as corpus g holds, drawn from the pool of the real text and
     *       corpora 0..g: the pool is cut into blocks of {@code subsampleBlockBytes} (each text's last block
     *       shorter), blocks are drawn uniformly without replacement with {@code new SplittableRandom(seed)} until
     *       they hold enough bytes, the last one drawn is cut to fit, and the drawn blocks follow each other in the
     *       pool's order.</li>
     *   <li>{@code mix}: corpus g followed by one contiguous slice of the real text, sized so that real bytes are
     *       {@code realFraction} of the result (rounded to whole bytes; the whole real text when it is shorter).
     *       The slice starts at an offset drawn from {@code new SplittableRandom(seed)} and wraps around to the
     *       start of the real text when it runs past the end.</li>
     * </ul>
     * The result depends only on the arguments.
     *
     * @throws IllegalArgumentException when {@code corpora} is empty or the settings are not valid
     */
    static byte[] build(MixingSettings mixing, byte[] realText, List<byte[]> corpora, long seed,
                        int subsampleBlockBytes) {
        if (corpora.isEmpty()) {
            throw new IllegalArgumentException("corpora must hold the corpora of generations 0..g (at least one), "
                    + "but was empty; a training mix is built only after a generation has sampled its corpus");
        }
        byte[] latest = corpora.get(corpora.size() - 1);
        return switch (mixing.policy()) {
            case MixingSettings.REPLACE -> latest.clone();
            case MixingSettings.ACCUMULATE -> accumulate(realText, corpora);
            case MixingSettings.ACCUMULATE_SUBSAMPLE ->
                    subsample(realText, corpora, latest.length, subsampleBlockBytes, seed);
            case MixingSettings.MIX -> mix(latest, realText, mixing.realFraction(), seed);
            default -> throw new IllegalArgumentException("mixing.policy must be 'replace', 'accumulate', "
                    + "'accumulate-subsample' or 'mix', was '" + mixing.policy() + "'");
        };
    }

    private static byte[] subsample(byte[] realText, List<byte[]> corpora, int size, int blockBytes, long seed) {
        if (blockBytes < 1) {
            throw new IllegalArgumentException("subsample blocks must hold at least one byte, was " + blockBytes);
        }
        List<byte[]> pool = new ArrayList<>(corpora.size() + 1);
        pool.add(realText);
        pool.addAll(corpora);
        long blockCount = 0;
        for (byte[] text : pool) {
            blockCount += ((long) text.length + blockBytes - 1) / blockBytes;
        }
        // A pool of more blocks than an array holds is also more bytes than accumulate would fit into one array.
        int[] blockText = new int[checkedLength(blockCount, MixingSettings.ACCUMULATE_SUBSAMPLE)];
        int[] blockStart = new int[blockText.length];
        int block = 0;
        for (int t = 0; t < pool.size(); t++) {
            for (long start = 0; start < pool.get(t).length; start += blockBytes) {
                blockText[block] = t;
                blockStart[block] = (int) start;
                block++;
            }
        }
        // A partial Fisher-Yates shuffle of the block indices draws them without replacement.
        int[] order = IntStream.range(0, blockText.length).toArray();
        int[] taken = new int[blockText.length];
        SplittableRandom random = new SplittableRandom(seed);
        int drawn = 0;
        long bytes = 0;
        int lastLength = 0;
        while (bytes < size && drawn < order.length) {
            int pick = drawn + random.nextInt(order.length - drawn);
            int chosen = order[pick];
            order[pick] = order[drawn];
            order[drawn] = chosen;
            int length = blockLength(pool, blockText[chosen], blockStart[chosen], blockBytes);
            lastLength = (int) Math.min(length, size - bytes);
            bytes += lastLength;
            taken[chosen] = length;
            drawn++;
        }
        if (drawn > 0) {
            taken[order[drawn - 1]] = lastLength;
        }
        byte[] sample = new byte[(int) bytes];
        int position = 0;
        for (int b = 0; b < taken.length; b++) {
            if (taken[b] > 0) {
                System.arraycopy(pool.get(blockText[b]), blockStart[b], sample, position, taken[b]);
                position += taken[b];
            }
        }
        return sample;
    }

    private static int blockLength(List<byte[]> pool, int text, int start, int blockBytes) {
        return Math.min(blockBytes, pool.get(text).length - start);
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
