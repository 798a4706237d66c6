package io.collapselab.lm.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.collapselab.lm.model.Gpt;
import io.collapselab.lm.model.GradMode;
import io.collapselab.lm.model.KvCache;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.random.Rng;

import java.util.Arrays;

/**
 * Batched autoregressive sampling. All sequences share the prompt, so they advance in lockstep and each position
 * costs one forward pass for the whole batch.
 *
 * <p>Past the context length the model sees the request's {@link SamplingWindow}. Whenever the window's start
 * moves, the KV cache is rebuilt from the window, so cached and uncached sampling see exactly the same tokens at the
 * same positions and pick the same next token.
 */
public final class Sampler {

    /** Receives progress: new tokens per sequence so far; called on the sampling thread. */
    @FunctionalInterface
    public interface ProgressListener {
        void onProgress(int done, int total);
    }

    private Sampler() {
    }

    public static SampleResult sample(LanguageModel model, SampleRequest request, ProgressListener listener) {
        int[] prompt = model.tokenizer().encode(request.prompt());
        int contextLength = model.config().contextLength();
        int batch = request.sequences();
        int length = prompt.length + request.newTokens();
        int[][] sequences = new int[batch][length];
        for (int[] sequence : sequences) {
            System.arraycopy(prompt, 0, sequence, 0, prompt.length);
        }
        Rng rng = new Rng(request.seed());
        int vocabulary = model.config().vocabularySize();
        try (GradMode off = GradMode.disabled();
             KvCache cache = request.kvCache() ? new KvCache(model.manager(), model.config().layers(),
                     model.config().contextLength()) : null) {
            int cacheStart = 0;
            for (int n = prompt.length; n < length; n++) {
                int start = request.window().start(n, contextLength);
                float[] logits;
                try (NDManager scope = model.manager().newSubManager()) {
                    NDArray next;
                    if (cache == null) {
                        next = Gpt.lastPosition(model.gpt().forward(tokens(scope, sequences, start, n), false));
                    } else {
                        int from;
                        if (cache.length() == 0 || start != cacheStart) {
                            cache.clear();
                            cacheStart = start;
                            from = start;
                        } else {
                            from = n - 1;
                        }
                        next = model.gpt().forward(tokens(scope, sequences, from, n), cache);
                    }
                    logits = next.toFloatArray();
                }
                for (int b = 0; b < batch; b++) {
                    sequences[b][n] = pick(logits, b * vocabulary, vocabulary, request, rng);
                }
                if (listener != null) {
                    listener.onProgress(n - prompt.length + 1, request.newTokens());
                }
            }
        }
        return new SampleResult(sequences, prompt.length);
    }

    /**
     * A key whose ascending order is descending logit, ties by ascending id: the float's bits made monotonic (as
     * {@link Float#compare} orders them, -0.0 before 0.0, NaN last), inverted, above the id. Sorting primitive keys
     * instead of boxed ids with a comparator makes the top-k filter several times cheaper, which matters for
     * every token of every sequence.
     */
    static long rankKey(float logit, int id) {
        int bits = Float.floatToIntBits(logit);
        int ascending = bits ^ ((bits >> 31) & 0x7fffffff);
        return ((long) ~ascending << 32) | id;
    }

    /**
     * Puts the {@code k} smallest keys first, in ascending order (the rest follow in no particular order): the
     * same first {@code k} as a full sort, since keys are distinct, but found by partitioning in linear time and
     * sorting only those. Top-k keeps a few dozen candidates out of the whole vocabulary at every token of every
     * sequence, so this is most of what picking a token costs.
     */
    static void sortSmallest(long[] keys, int k) {
        int lo = 0;
        int hi = keys.length - 1;
        while (lo < hi) {
            long pivot = medianOfThree(keys[lo], keys[(lo + hi) >>> 1], keys[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (keys[i] < pivot) {
                    i++;
                }
                while (keys[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long swapped = keys[i];
                    keys[i++] = keys[j];
                    keys[j--] = swapped;
                }
            }
            // Now keys[lo..j] <= pivot <= keys[i..hi]; whatever lies between equals the pivot.
            if (k - 1 <= j) {
                hi = j;
            } else if (k - 1 >= i) {
                lo = i;
            } else {
                break;
            }
        }
        Arrays.sort(keys, 0, k);
    }

    /**
     * How many candidates top-k keeps when the first {@code kept} keys are the k best in order: those and every other
     * token whose logit equals the k-th's, which are moved right behind them (in id order, as their keys rank them).
     */
    private static int withTiesOfTheLast(long[] keys, int kept, float[] logits, int offset) {
        if (kept == keys.length) {
            return kept;
        }
        float last = logits[offset + (int) keys[kept - 1]];
        int end = kept;
        for (int i = kept; i < keys.length; i++) {
            if (Float.compare(logits[offset + (int) keys[i]], last) == 0) {
                long tied = keys[i];
                keys[i] = keys[end];
                keys[end++] = tied;
            }
        }
        Arrays.sort(keys, kept, end);
        return end;
    }

    private static long medianOfThree(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static NDArray tokens(NDManager scope, int[][] sequences, int from, int to) {
        int width = to - from;
        long[] ids = new long[sequences.length * width];
        for (int b = 0; b < sequences.length; b++) {
            for (int i = 0; i < width; i++) {
                ids[b * width + i] = sequences[b][from + i];
            }
        }
        return scope.create(ids, new Shape(sequences.length, width));
    }

    /**
     * Draws one token from logits[offset, offset + vocabulary) after temperature, top-k and top-p. Top-k keeps every
     * token whose logit is not below the k-th largest, so tokens tied with the k-th all stay in, as in nanoGPT's
     * {@code logits[logits < v[:, [-1]]] = -inf}. Candidates are ranked by logit, ties by lower id, so filters are
     * deterministic.
     */
    static int pick(float[] logits, int offset, int vocabulary, SampleRequest request, Rng rng) {
        int kept = request.topK() > 0 ? Math.min(request.topK(), vocabulary) : vocabulary;
        int[] order;
        if (request.topK() > 0 || request.topP() < 1) {
            long[] keys = new long[vocabulary];
            for (int i = 0; i < vocabulary; i++) {
                keys[i] = rankKey(logits[offset + i], i);
            }
            sortSmallest(keys, kept);
            kept = withTiesOfTheLast(keys, kept, logits, offset);
            order = new int[kept];
            for (int i = 0; i < kept; i++) {
                order[i] = (int) keys[i];
            }
        } else {
            order = new int[kept];
            for (int i = 0; i < kept; i++) {
                order[i] = i;
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < kept; i++) {
            max = Math.max(max, logits[offset + order[i]]);
        }
        double[] weights = new double[kept];
        double total = 0;
        for (int i = 0; i < kept; i++) {
            weights[i] = Math.exp((logits[offset + order[i]] - max) / request.temperature());
            total += weights[i];
        }
        if (request.topP() < 1) {
            double cumulative = 0;
            int nucleus = 0;
            while (nucleus < kept) {
                cumulative += weights[nucleus] / total;
                nucleus++;
                if (cumulative >= request.topP()) {
                    break;
                }
            }
            kept = nucleus;
            total = 0;
            for (int i = 0; i < kept; i++) {
                total += weights[i];
            }
        }
        double target = rng.nextDouble() * total;
        double cumulative = 0;
        for (int i = 0; i < kept; i++) {
            cumulative += weights[i];
            if (target < cumulative) {
                return order[i];
            }
        }
        return order[kept - 1];
    }
}
