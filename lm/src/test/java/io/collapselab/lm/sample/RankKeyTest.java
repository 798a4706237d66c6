package io.collapselab.lm.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.collapselab.lm.random.Rng;
import java.util.Arrays;
import java.util.Comparator;
import org.junit.jupiter.api.Test;

class RankKeyTest {

    /** The candidate order of top-k and top-p: by logit, highest first, ties by lower id, as Float.compare ranks. */
    private static Integer[] byComparator(float[] logits) {
        Integer[] ids = new Integer[logits.length];
        Arrays.setAll(ids, i -> i);
        Arrays.sort(ids, Comparator.<Integer, Float>comparing(i -> logits[i]).reversed()
                .thenComparing(Comparator.naturalOrder()));
        return ids;
    }

    private static Integer[] byRankKey(float[] logits) {
        long[] keys = new long[logits.length];
        for (int i = 0; i < logits.length; i++) {
            keys[i] = Sampler.rankKey(logits[i], i);
        }
        Arrays.sort(keys);
        return Arrays.stream(keys).mapToObj(key -> (int) key).toArray(Integer[]::new);
    }

    @Test
    void ordersLikeTheComparatorIncludingTiesAndSpecialValues() {
        float[] special = {0f, -0f, 1f, -1f, 1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 0f, -1f, 3.5f, 3.5f};
        assertArrayEquals(byComparator(special), byRankKey(special));
    }

    @Test
    void ordersRandomLogitsLikeTheComparator() {
        Rng rng = new Rng(7);
        float[] logits = new float[2048];
        for (int i = 0; i < logits.length; i++) {
            // Rounded to a coarse grid so that many logits tie.
            logits[i] = Math.round(rng.nextGaussian() * 40) / 8f;
        }
        assertArrayEquals(byComparator(logits), byRankKey(logits));
    }

    @Test
    void sortingTheSmallestKeysGivesTheFirstKeysOfAFullSort() {
        Rng rng = new Rng(11);
        for (int size : new int[] {1, 2, 3, 40, 256, 1000}) {
            for (int k : new int[] {1, 2, 40, 200, size}) {
                if (k > size) {
                    continue;
                }
                long[] keys = new long[size];
                for (int i = 0; i < size; i++) {
                    // Few distinct logits, as in a peaked distribution: many keys share their upper half.
                    keys[i] = Sampler.rankKey(Math.round(rng.nextGaussian() * 4) / 2f, i);
                }
                long[] sorted = keys.clone();
                Arrays.sort(sorted);

                Sampler.sortSmallest(keys, k);

                assertArrayEquals(Arrays.copyOf(sorted, k), Arrays.copyOf(keys, k), size + " keys, k " + k);
                long[] rest = Arrays.copyOfRange(keys, k, size);
                Arrays.sort(rest);
                assertArrayEquals(Arrays.copyOfRange(sorted, k, size), rest, "nothing lost: " + size + ", " + k);
            }
        }
    }
}
