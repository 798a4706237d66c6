package io.collapselab.lm.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.MixingSettings;
import io.collapselab.experiment.Presets;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.random.SeedRole;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainingMixTest {

    private static final byte[] REAL = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
    private static final List<byte[]> CORPORA = List.of(bytes('A', 30), bytes('B', 30), bytes('C', 300));
    private static final byte[] LATEST = CORPORA.get(2);
    /** Subsample blocks in these tests: the real text is four of them, corpus C thirty. */
    private static final int BLOCK = 10;

    private static byte[] bytes(char value, int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static MixingSettings mix(double realFraction) {
        return new MixingSettings(MixingSettings.MIX, realFraction);
    }

    private static MixingSettings subsample() {
        return new MixingSettings(MixingSettings.ACCUMULATE_SUBSAMPLE, 0);
    }

    private static byte[] build(MixingSettings mixing, byte[] realText, List<byte[]> corpora, long seed) {
        return TrainingMix.build(mixing, realText, corpora, seed, BLOCK);
    }

    /**
     * Splits {@code sample} into blocks of the pool (REAL, then CORPORA), each a whole block of {@link #BLOCK}
     * bytes or a text's shorter last one, except one that may be cut short (the last one drawn); fails unless such
     * blocks, in the pool's order and none twice, make up the sample. Returns the bytes taken from each text.
     */
    private static int[] poolBlocks(byte[] sample) {
        List<byte[]> pool = new ArrayList<>();
        pool.add(REAL);
        pool.addAll(CORPORA);
        List<int[]> blocks = new ArrayList<>();
        for (int text = 0; text < pool.size(); text++) {
            for (int start = 0; start < pool.get(text).length; start += BLOCK) {
                blocks.add(new int[] {text, start, Math.min(BLOCK, pool.get(text).length - start)});
            }
        }
        int[] fromText = new int[pool.size()];
        assertTrue(splits(sample, 0, 0, false, pool, blocks, fromText, new HashSet<>()),
                "the subsample is no sequence of the pool's blocks in order: "
                        + new String(sample, StandardCharsets.US_ASCII));
        return fromText;
    }

    /** Whether sample[position..] is blocks from {@code block} on, at most one cut short unless {@code cut}. */
    private static boolean splits(byte[] sample, int position, int block, boolean cut, List<byte[]> pool,
                                  List<int[]> blocks, int[] fromText, Set<String> dead) {
        if (position == sample.length) {
            return true;
        }
        String state = position + "/" + block + "/" + cut;
        if (dead.contains(state)) {
            return false;
        }
        for (int b = block; b < blocks.size(); b++) {
            int[] candidate = blocks.get(b);
            int most = Math.min(candidate[2], sample.length - position);
            for (int length = most; length >= (cut ? candidate[2] : 1); length--) {
                boolean whole = length == candidate[2];
                if (Arrays.equals(sample, position, position + length, pool.get(candidate[0]), candidate[1],
                        candidate[1] + length)
                        && splits(sample, position + length, b + 1, cut || !whole, pool, blocks, fromText, dead)) {
                    fromText[candidate[0]] += length;
                    return true;
                }
            }
        }
        dead.add(state);
        return false;
    }

    /** Where in REAL the slice after the first corpusLength bytes starts; fails unless it is a (wrapped) slice. */
    private static int sliceOffset(byte[] mixed, int corpusLength) {
        byte[] slice = Arrays.copyOfRange(mixed, corpusLength, mixed.length);
        int offset = new String(REAL, StandardCharsets.US_ASCII).indexOf((char) slice[0]);
        for (int i = 0; i < slice.length; i++) {
            assertEquals(REAL[(offset + i) % REAL.length], slice[i], "slice byte " + i);
        }
        return offset;
    }

    @Test
    void replaceTrainsOnTheLatestCorpusOnly() {
        byte[] mixed = build(new MixingSettings(MixingSettings.REPLACE, 0), REAL, CORPORA, 1);
        assertArrayEquals(LATEST, mixed);
    }

    @Test
    void accumulateConcatenatesRealTextAndEveryCorpusInOrder() {
        byte[] mixed = build(new MixingSettings(MixingSettings.ACCUMULATE, 0), REAL, CORPORA, 1);
        String expected = new String(REAL, StandardCharsets.US_ASCII) + "A".repeat(30) + "B".repeat(30)
                + "C".repeat(300);
        assertEquals(expected, new String(mixed, StandardCharsets.US_ASCII));
    }

    @Test
    void mixAddsAContiguousRealSliceMakingUpTheRealFraction() {
        // Corpus of 10 bytes with a quarter real: 10 * 0.25 / 0.75 = 3.33, rounded to 3 real bytes.
        List<byte[]> small = List.of(bytes('C', 10));
        byte[] mixed = build(mix(0.25), REAL, small, 5);
        assertEquals(13, mixed.length);
        assertArrayEquals(small.get(0), Arrays.copyOf(mixed, 10));
        sliceOffset(mixed, 10);
    }

    @Test
    void mixClampsTheSliceToTheWholeRealText() {
        // 300 corpus bytes at half real would need 300 real bytes; the real text has 36.
        byte[] mixed = build(mix(0.5), REAL, CORPORA, 9);
        assertEquals(LATEST.length + REAL.length, mixed.length);
        assertArrayEquals(LATEST, Arrays.copyOf(mixed, LATEST.length));
        sliceOffset(mixed, LATEST.length);
    }

    @Test
    void mixIsDeterministicPerSeedAndTheOffsetDependsOnTheSeed() {
        // 300 * 0.1 / 0.9 = 33.3: 33 of the 36 real bytes, so most offsets wrap around the end.
        List<byte[]> latestOnly = List.of(LATEST);
        Set<Integer> offsets = new HashSet<>();
        for (long seed = 0; seed < 10; seed++) {
            byte[] first = build(mix(0.1), REAL, latestOnly, seed);
            assertArrayEquals(first, build(mix(0.1), REAL, latestOnly, seed));
            assertEquals(LATEST.length + 33, first.length);
            offsets.add(sliceOffset(first, LATEST.length));
        }
        assertTrue(offsets.size() > 1, "every seed gave the same offset " + offsets);
        assertTrue(offsets.stream().anyMatch(offset -> offset > REAL.length - 33), "no slice wrapped: " + offsets);
    }

    @Test
    void accumulateSubsampleDrawsAsManyBytesAsTheLatestCorpusInWholeBlocksOfThePool() {
        for (long seed = 0; seed < 20; seed++) {
            byte[] sample = build(subsample(), REAL, CORPORA, seed);

            assertEquals(LATEST.length, sample.length, "seed " + seed);
            int[] fromText = poolBlocks(sample);
            assertEquals(LATEST.length, Arrays.stream(fromText).sum(), "seed " + seed);
        }
    }

    @Test
    void accumulateSubsampleIsDeterministicPerSeedAndDrawsFromEveryTextOfThePool() {
        int[] fromText = new int[CORPORA.size() + 1];
        Set<String> samples = new HashSet<>();
        int seeds = 200;
        for (long seed = 0; seed < seeds; seed++) {
            byte[] sample = build(subsample(), REAL, CORPORA, seed);
            assertArrayEquals(sample, build(subsample(), REAL, CORPORA, seed), "seed " + seed);
            samples.add(new String(sample, StandardCharsets.US_ASCII));
            int[] taken = poolBlocks(sample);
            for (int text = 0; text < taken.length; text++) {
                fromText[text] += taken[text];
            }
        }
        // The blocks of one corpus are alike, so different draws can give the same bytes.
        assertTrue(samples.size() > seeds / 10, "only " + samples.size() + " different subsamples");
        // Uniform blocks: each text's share of the 300 bytes is about its share of the 396-byte pool. Taking the
        // pool's first blocks would give corpus C 204 bytes, its last ones 300.
        double meanFromC = (double) fromText[3] / seeds;
        assertEquals(300.0 * 300 / 396, meanFromC, 10, "mean bytes from corpus C");
        assertTrue(fromText[0] > 0 && fromText[1] > 0 && fromText[2] > 0, Arrays.toString(fromText));
    }

    @Test
    void accumulateSubsampleOfTheFirstGenerationDrawsFromRealTextAndCorpusZero() {
        byte[] sample = build(subsample(), REAL, List.of(CORPORA.get(2)), 4);

        assertEquals(LATEST.length, sample.length);
        byte[] pool = (new String(REAL, StandardCharsets.US_ASCII) + "C".repeat(300))
                .getBytes(StandardCharsets.US_ASCII);
        assertTrue(isSubsequence(sample, pool), new String(sample, StandardCharsets.US_ASCII));
    }

    @Test
    void emptyCorporaAreRejectedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> build(mix(0.5), REAL, List.of(), 1));
        assertTrue(e.getMessage().startsWith("corpora must hold the corpora of generations 0..g"), e.getMessage());
    }

    @Test
    void unknownPolicyOrFractionOutsideTheOpenIntervalIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> build(new MixingSettings("blend", 0.5), REAL, CORPORA, 1));
        assertThrows(IllegalArgumentException.class, () -> build(mix(1.0), REAL, CORPORA, 1));
    }

    @Test
    void accumulateBuildsOnEveryEarlierCorpusTheOtherPoliciesOnThePreviousOne() {
        assertEquals(List.of(0, 1, 2),
                TrainingMix.corpusGenerations(new MixingSettings(MixingSettings.ACCUMULATE, 0), 3));
        assertEquals(List.of(0, 1, 2), TrainingMix.corpusGenerations(subsample(), 3));
        assertEquals(List.of(2), TrainingMix.corpusGenerations(new MixingSettings(MixingSettings.REPLACE, 0), 3));
        assertEquals(List.of(2), TrainingMix.corpusGenerations(mix(0.5), 3));
        assertEquals(List.of(0), TrainingMix.corpusGenerations(mix(0.5), 1));
        assertThrows(IllegalArgumentException.class,
                () -> TrainingMix.corpusGenerations(new MixingSettings(MixingSettings.REPLACE, 0), 0));
    }

    @Test
    void aGenerationsMixDrawsItsSliceFromTheSeedDerivedForThatGeneration() {
        ExperimentConfig config = Presets.get("smoke").withMixing(mix(0.5));

        byte[] mixed = TrainingMix.forGeneration(config, REAL, List.of(LATEST), 3);

        assertArrayEquals(build(config.mixing(), REAL, List.of(LATEST),
                Rng.derive(config.seed(), 3, SeedRole.MIXING)), mixed);
    }

    @Test
    void aGenerationsSubsampleDrawsFromItsSeedInBlocksOfSixteenWindows() {
        ExperimentConfig config = Presets.get("smoke").withMixing(subsample());
        int blockBytes = 16 * (config.model().contextLength() + 1);

        byte[] mixed = TrainingMix.forGeneration(config, REAL, CORPORA, 3);

        assertArrayEquals(TrainingMix.build(config.mixing(), REAL, CORPORA,
                Rng.derive(config.seed(), 3, SeedRole.MIXING), blockBytes), mixed);
    }

    @Test
    void aGenerationsMixRefusesCorporaOtherThanTheOnesItNeeds() {
        ExperimentConfig config = Presets.get("smoke").withMixing(new MixingSettings(MixingSettings.ACCUMULATE, 0));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingMix.forGeneration(config, REAL, List.of(LATEST), 3));

        assertEquals("the accumulate mix of generation 3 is built from 3 corpora, got 1", e.getMessage());
    }

    private static boolean isSubsequence(byte[] sample, byte[] pool) {
        int at = 0;
        for (byte b : sample) {
            while (at < pool.length && pool[at] != b) {
                at++;
            }
            if (at == pool.length) {
                return false;
            }
            at++;
        }
        return true;
    }
}
