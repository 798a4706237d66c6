package io.collapselab.lm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Learns BPE merges from the distinct chunks of a text (see {@link ByteChunks}), each weighted by how often it
 * occurs. Pair counts are kept up to date incrementally: a merge only revisits the chunks that contain the merged
 * pair, found through an index from pair to chunks, and a priority queue with lazily discarded stale entries
 * yields the next most frequent pair.
 */
final class BpeTrainer {

    /** A pair seen once teaches nothing that the two tokens it joins do not already cover. */
    static final int MIN_PAIR_COUNT = 2;

    /** Most frequent first; among equally frequent pairs the lowest left id, then the lowest right id. */
    private static final Comparator<Candidate> BEST_FIRST =
            Comparator.comparingInt((Candidate c) -> -c.count).thenComparingLong(c -> c.pair);

    private record Candidate(long pair, int count) {
    }

    private final int[][] chunks;
    private final int[] frequencies;
    private final Map<Long, Integer> pairCounts = new HashMap<>();
    private final Map<Long, IntList> chunksWithPair = new HashMap<>();
    private final PriorityQueue<Candidate> queue = new PriorityQueue<>(BEST_FIRST);

    private BpeTrainer(Map<String, Integer> chunkFrequencies) {
        chunks = new int[chunkFrequencies.size()][];
        frequencies = new int[chunkFrequencies.size()];
        int index = 0;
        for (Map.Entry<String, Integer> entry : chunkFrequencies.entrySet()) {
            String chunk = entry.getKey();
            int[] symbols = new int[chunk.length()];
            for (int i = 0; i < symbols.length; i++) {
                symbols[i] = chunk.charAt(i);
            }
            chunks[index] = symbols;
            frequencies[index] = entry.getValue();
            for (int i = 0; i + 1 < symbols.length; i++) {
                long pair = pair(symbols[i], symbols[i + 1]);
                pairCounts.merge(pair, entry.getValue(), Integer::sum);
                indexChunk(pair, index);
            }
            index++;
        }
        pairCounts.forEach((pair, count) -> queue.add(new Candidate(pair, count)));
    }

    /** The merges, in the order learned, as {@code {left, right}} token ids; merge i creates token 256 + i. */
    static List<int[]> learn(byte[] text, int mergeCount) {
        BpeTrainer trainer = new BpeTrainer(chunkFrequencies(text));
        List<int[]> merges = new ArrayList<>();
        while (merges.size() < mergeCount) {
            Candidate best = trainer.queue.poll();
            if (best == null || best.count < MIN_PAIR_COUNT) {
                break;
            }
            Integer current = trainer.pairCounts.get(best.pair);
            if (current == null || current != best.count) {
                continue; // stale: the pair's count changed after this entry was queued
            }
            trainer.merge(best.pair, 256 + merges.size());
            merges.add(new int[] {left(best.pair), right(best.pair)});
        }
        return merges;
    }

    /** Chunks keyed as ISO-8859-1 strings: one char per byte, with value semantics for hashing. */
    private static Map<String, Integer> chunkFrequencies(byte[] text) {
        Map<String, Integer> frequencies = new HashMap<>();
        for (int start = 0, end; start < text.length; start = end) {
            end = ByteChunks.chunkEnd(text, start);
            frequencies.merge(new String(text, start, end - start, StandardCharsets.ISO_8859_1), 1, Integer::sum);
        }
        return frequencies;
    }

    private void merge(long pair, int newToken) {
        IntList candidates = chunksWithPair.remove(pair);
        Map<Long, Integer> deltas = new HashMap<>();
        for (int k = 0; k < candidates.size; k++) {
            int chunk = candidates.values[k];
            int[] before = chunks[chunk];
            int[] after = replacePair(before, left(pair), right(pair), newToken);
            if (after.length == before.length) {
                continue; // the index entry is stale: an earlier merge consumed this chunk's occurrences
            }
            countPairs(before, -frequencies[chunk], deltas);
            countPairs(after, frequencies[chunk], deltas);
            chunks[chunk] = after;
            for (int i = 0; i + 1 < after.length; i++) {
                if (after[i] == newToken || after[i + 1] == newToken) {
                    indexChunk(pair(after[i], after[i + 1]), chunk);
                }
            }
        }
        deltas.forEach((changed, delta) -> {
            if (delta == 0) {
                return;
            }
            int count = pairCounts.getOrDefault(changed, 0) + delta;
            if (count <= 0) {
                pairCounts.remove(changed);
            } else {
                pairCounts.put(changed, count);
                queue.add(new Candidate(changed, count));
            }
        });
    }

    /** Replaces non-overlapping occurrences of (left, right), scanning left to right, as encoding does. */
    static int[] replacePair(int[] symbols, int left, int right, int newToken) {
        int[] out = new int[symbols.length];
        int length = 0;
        for (int i = 0; i < symbols.length; i++) {
            if (i + 1 < symbols.length && symbols[i] == left && symbols[i + 1] == right) {
                out[length++] = newToken;
                i++;
            } else {
                out[length++] = symbols[i];
            }
        }
        return length == symbols.length ? symbols : Arrays.copyOf(out, length);
    }

    private static void countPairs(int[] symbols, int weight, Map<Long, Integer> counts) {
        for (int i = 0; i + 1 < symbols.length; i++) {
            counts.merge(pair(symbols[i], symbols[i + 1]), weight, Integer::sum);
        }
    }

    /**
     * Adds a chunk to a pair's index without duplicates. A pair only ever gains chunks while its newer token is being
     * created (or at construction), and one chunk's pairs are indexed together, so a duplicate is always the last
     * entry.
     */
    private void indexChunk(long pair, int chunk) {
        IntList list = chunksWithPair.computeIfAbsent(pair, p -> new IntList());
        if (list.size == 0 || list.values[list.size - 1] != chunk) {
            list.add(chunk);
        }
    }

    static long pair(int left, int right) {
        return ((long) left << 32) | right;
    }

    private static int left(long pair) {
        return (int) (pair >>> 32);
    }

    private static int right(long pair) {
        return (int) pair;
    }

    private static final class IntList {
        int[] values = new int[4];
        int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }
    }
}
