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
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainingMixTest {

    private static final byte[] REAL = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
    private static final List<byte[]> CORPORA = List.of(bytes('A', 30), bytes('B', 30), bytes('C', 300));
    private static final byte[] LATEST = CORPORA.get(2);

    private static byte[] bytes(char value, int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static MixingSettings mix(double realFraction) {
        return new MixingSettings(MixingSettings.MIX, realFraction);
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
        byte[] mixed = TrainingMix.build(new MixingSettings(MixingSettings.REPLACE, 0), REAL, CORPORA, 1);
        assertArrayEquals(LATEST, mixed);
    }

    @Test
    void accumulateConcatenatesRealTextAndEveryCorpusInOrder() {
        byte[] mixed = TrainingMix.build(new MixingSettings(MixingSettings.ACCUMULATE, 0), REAL, CORPORA, 1);
        String expected = new String(REAL, StandardCharsets.US_ASCII) + "A".repeat(30) + "B".repeat(30)
                + "C".repeat(300);
        assertEquals(expected, new String(mixed, StandardCharsets.US_ASCII));
    }

    @Test
    void mixAddsAContiguousRealSliceMakingUpTheRealFraction() {
        // Corpus of 10 bytes with a quarter real: 10 * 0.25 / 0.75 = 3.33, rounded to 3 real bytes.
        List<byte[]> small = List.of(bytes('C', 10));
        byte[] mixed = TrainingMix.build(mix(0.25), REAL, small, 5);
        assertEquals(13, mixed.length);
        assertArrayEquals(small.get(0), Arrays.copyOf(mixed, 10));
        sliceOffset(mixed, 10);
    }

    @Test
    void mixClampsTheSliceToTheWholeRealText() {
        // 300 corpus bytes at half real would need 300 real bytes; the real text has 36.
        byte[] mixed = TrainingMix.build(mix(0.5), REAL, CORPORA, 9);
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
            byte[] first = TrainingMix.build(mix(0.1), REAL, latestOnly, seed);
            assertArrayEquals(first, TrainingMix.build(mix(0.1), REAL, latestOnly, seed));
            assertEquals(LATEST.length + 33, first.length);
            offsets.add(sliceOffset(first, LATEST.length));
        }
        assertTrue(offsets.size() > 1, "every seed gave the same offset " + offsets);
        assertTrue(offsets.stream().anyMatch(offset -> offset > REAL.length - 33), "no slice wrapped: " + offsets);
    }

    @Test
    void emptyCorporaAreRejectedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingMix.build(mix(0.5), REAL, List.of(), 1));
        assertTrue(e.getMessage().startsWith("corpora must hold the corpora of generations 0..g"), e.getMessage());
    }

    @Test
    void unknownPolicyOrFractionOutsideTheOpenIntervalIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> TrainingMix.build(new MixingSettings("blend", 0.5), REAL, CORPORA, 1));
        assertThrows(IllegalArgumentException.class, () -> TrainingMix.build(mix(1.0), REAL, CORPORA, 1));
    }

    @Test
    void accumulateBuildsOnEveryEarlierCorpusTheOtherPoliciesOnThePreviousOne() {
        assertEquals(List.of(0, 1, 2),
                TrainingMix.corpusGenerations(new MixingSettings(MixingSettings.ACCUMULATE, 0), 3));
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

        assertArrayEquals(TrainingMix.build(config.mixing(), REAL, List.of(LATEST),
                Rng.derive(config.seed(), 3, SeedRole.MIXING)), mixed);
    }

    @Test
    void aGenerationsMixRefusesCorporaOtherThanTheOnesItNeeds() {
        ExperimentConfig config = Presets.get("smoke").withMixing(new MixingSettings(MixingSettings.ACCUMULATE, 0));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingMix.forGeneration(config, REAL, List.of(LATEST), 3));

        assertEquals("the accumulate mix of generation 3 is built from 3 corpora, got 1", e.getMessage());
    }
}
