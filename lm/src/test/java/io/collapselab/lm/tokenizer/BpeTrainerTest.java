package io.collapselab.lm.tokenizer;

import io.collapselab.lm.RealText;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checks the incremental pair bookkeeping against a trainer that recounts every pair before each merge. */
class BpeTrainerTest {

    private static List<String> naiveMerges(byte[] text, int mergeCount) {
        Map<String, Integer> frequencies = new HashMap<>();
        for (int start = 0, end; start < text.length; start = end) {
            end = ByteChunks.chunkEnd(text, start);
            frequencies.merge(new String(text, start, end - start, StandardCharsets.ISO_8859_1), 1, Integer::sum);
        }
        List<int[]> chunks = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        frequencies.forEach((chunk, frequency) -> {
            chunks.add(chunk.chars().toArray());
            weights.add(frequency);
        });
        List<String> merges = new ArrayList<>();
        while (merges.size() < mergeCount) {
            Map<Long, Integer> counts = new HashMap<>();
            for (int c = 0; c < chunks.size(); c++) {
                int[] symbols = chunks.get(c);
                for (int i = 0; i + 1 < symbols.length; i++) {
                    counts.merge(BpeTrainer.pair(symbols[i], symbols[i + 1]), weights.get(c), Integer::sum);
                }
            }
            long best = -1;
            int bestCount = 0;
            for (Map.Entry<Long, Integer> entry : counts.entrySet()) {
                int count = entry.getValue();
                if (count > bestCount || (count == bestCount && entry.getKey() < best)) {
                    best = entry.getKey();
                    bestCount = count;
                }
            }
            if (bestCount < BpeTrainer.MIN_PAIR_COUNT) {
                break;
            }
            int left = (int) (best >>> 32);
            int right = (int) best;
            int newToken = 256 + merges.size();
            chunks.replaceAll(symbols -> BpeTrainer.replacePair(symbols, left, right, newToken));
            merges.add(left + "+" + right);
        }
        return merges;
    }

    private static List<String> incrementalMerges(byte[] text, int mergeCount) {
        return BpeTrainer.learn(text, mergeCount).stream().map(m -> m[0] + "+" + m[1]).toList();
    }

    @Test
    void incrementalCountsGiveTheSameMergesAsFullRecountsOnRepetitiveText() {
        // Runs of one letter exercise overlapping pairs ("aaaa"), where counting mistakes show first.
        byte[] text = "aaaa aaa aa a baaab abab ab-ab -- --- ----\n\n aaaa".repeat(3).getBytes(StandardCharsets.US_ASCII);
        assertEquals(naiveMerges(text, 100), incrementalMerges(text, 100));
    }

    @Test
    void incrementalCountsGiveTheSameMergesAsFullRecountsOnRealText() {
        byte[] text = Arrays.copyOf(RealText.train(Integer.MAX_VALUE), 60_000);
        List<String> expected = naiveMerges(text, 300);
        assertEquals(300, expected.size());
        assertEquals(expected, incrementalMerges(text, 300));
    }
}
