package io.collapselab.lm.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.collapselab.experiment.TrainingSettings;
import io.collapselab.lm.RealText;
import io.collapselab.lm.model.GptConfig;
import io.collapselab.lm.model.GradMode;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.tokenizer.ByteTokenizer;
import io.collapselab.lm.train.Trainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {

    static final GptConfig SMALL_CONTEXT = new GptConfig(2, 2, 32, 16, 256, 0f);
    static final byte[] PROMPT = "\n".getBytes(StandardCharsets.UTF_8);

    static LanguageModel model;

    @BeforeAll
    static void trainBriefly() {
        int[] train = ByteTokenizer.INSTANCE.encode(RealText.train(50_000));
        model = LanguageModel.create(SMALL_CONTEXT, ByteTokenizer.INSTANCE, 11);
        Trainer.beginPhase(model, 12, true);
        TrainingSettings settings = new TrainingSettings(30, 8, 3e-3, 3e-3, TrainingSettings.CONSTANT, 0, 0.9,
                0.95, 0.1, 1.0, true);
        Trainer.train(model, settings, train, settings.steps(), null);
    }

    @AfterAll
    static void release() {
        if (model != null) {   // null when the data directory is missing and the class was skipped
            model.close();
        }
    }

    @Test
    void topKOneIsGreedyWhateverTheSeed() {
        SampleResult a = Sampler.sample(model, request(1, 12, 1.0, 1, 1.0, true, 1), null);
        SampleResult b = Sampler.sample(model, request(1, 12, 1.0, 1, 1.0, true, 99), null);
        assertArrayEquals(a.sequences()[0], b.sequences()[0]);
        int[] sequence = a.sequences()[0];
        float[][] logits = logitsAtEveryPosition(sequence);
        for (int n = 1; n < sequence.length; n++) {
            assertEquals(argmax(logits[n - 1]), sequence[n], "position " + n + " is not the argmax");
        }
    }

    @Test
    void topKRestrictsTheSupport() {
        int k = 3;
        SampleResult result = Sampler.sample(model, request(4, 14, 5.0, k, 1.0, true, 5), null);
        int outsideTopK = 0;
        for (int[] sequence : result.sequences()) {
            float[][] logits = logitsAtEveryPosition(sequence);
            for (int n = 1; n < sequence.length; n++) {
                if (rank(logits[n - 1], sequence[n]) >= k) {
                    outsideTopK++;
                }
            }
        }
        assertEquals(0, outsideTopK);
        SampleResult unrestricted = Sampler.sample(model, request(4, 14, 5.0, 0, 1.0, true, 5), null);
        int unrestrictedOutside = 0;
        for (int[] sequence : unrestricted.sequences()) {
            float[][] logits = logitsAtEveryPosition(sequence);
            for (int n = 1; n < sequence.length; n++) {
                if (rank(logits[n - 1], sequence[n]) >= k) {
                    unrestrictedOutside++;
                }
            }
        }
        assertTrue(unrestrictedOutside > 0, "at temperature 5 an unfiltered sampler should leave the top 3");
    }

    @ParameterizedTest
    @EnumSource(SamplingWindow.class)
    void cachedAndUncachedSamplingAgreeTokenForTokenPastTheContextLength(SamplingWindow window) {
        SampleRequest request = request(4, 5 * SMALL_CONTEXT.contextLength(), 1.0, 40, 0.95, true, window, 21);
        SampleResult cached = Sampler.sample(model, request, null);
        SampleResult uncached = Sampler.sample(model, request.withKvCache(false), null);
        for (int b = 0; b < 4; b++) {
            assertArrayEquals(uncached.sequences()[b], cached.sequences()[b], "sequence " + b);
        }
        assertEquals(4L * 5 * SMALL_CONTEXT.contextLength(), cached.newTokenCount());
        assertFalse(Arrays.equals(cached.sequences()[0], cached.sequences()[1]), "sequences should differ");
    }

    @Test
    void theSameSeedSamplesTheSameCorpus() {
        SampleRequest request = request(3, 40, 1.0, 0, 1.0, true, 8);
        byte[] first = Sampler.sample(model, request, null).corpus(ByteTokenizer.INSTANCE);
        byte[] second = Sampler.sample(model, request, null).corpus(ByteTokenizer.INSTANCE);
        assertArrayEquals(first, second);
        assertEquals(3 * (40 + PROMPT.length), first.length);
    }

    @Test
    void theFastWindowSlidesByHalfTheContext() {
        assertEquals(0, SamplingWindow.FAST.start(16, 16));
        assertEquals(8, SamplingWindow.FAST.start(17, 16));
        assertEquals(8, SamplingWindow.FAST.start(24, 16));
        assertEquals(16, SamplingWindow.FAST.start(25, 16));
    }

    @Test
    void theExactWindowIsTheLastContextLengthTokens() {
        assertEquals(0, SamplingWindow.EXACT.start(16, 16));
        assertEquals(1, SamplingWindow.EXACT.start(17, 16));
        assertEquals(8, SamplingWindow.EXACT.start(24, 16));
        assertEquals(9, SamplingWindow.EXACT.start(25, 16));
    }

    /** Greedy, so each token must be the argmax of a forward pass over exactly the context before it. */
    @Test
    void pastTheContextEachTokenOfTheExactWindowFollowsFromExactlyTheLastContextLengthTokens() {
        int context = SMALL_CONTEXT.contextLength();
        SampleResult result = Sampler.sample(model, request(1, 3 * context, 1.0, 1, 1.0, true,
                SamplingWindow.EXACT, 4), null);
        int[] sequence = result.sequences()[0];
        for (int n = context + 1; n < sequence.length; n++) {
            float[][] logits = logitsAtEveryPosition(Arrays.copyOfRange(sequence, n - context, n));
            assertEquals(argmax(logits[context - 1]), sequence[n], "position " + n);
        }
        SampleRequest sampled = request(4, 3 * context, 1.0, 0, 1.0, true, SamplingWindow.EXACT, 4);
        SampleResult exact = Sampler.sample(model, sampled, null);
        SampleResult fast = Sampler.sample(model, request(4, 3 * context, 1.0, 0, 1.0, true, 4), null);
        assertFalse(Arrays.deepEquals(exact.sequences(), fast.sequences()), "the two windows should sample apart");
    }

    @Test
    void topKKeepsEveryTokenTiedWithTheKthAsNanoGptDoes() {
        float[] logits = {3f, 2f, 2f, 2f, 1f};
        SampleRequest topTwo = request(1, 1, 100.0, 2, 1.0, true, 0);
        Rng rng = new Rng(5);
        boolean[] seen = new boolean[5];
        for (int i = 0; i < 2_000; i++) {
            seen[Sampler.pick(logits, 0, 5, topTwo, rng)] = true;
        }
        assertArrayEquals(new boolean[] {true, true, true, true, false}, seen);
    }

    @Test
    void topPKeepsTheSmallestNucleusReachingP() {
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15),
            (float) Math.log(0.05)};
        SampleRequest nucleus = new SampleRequest(1, 1, 1.0, 0, 0.75, PROMPT, true, SamplingWindow.FAST, 0);
        Rng rng = new Rng(3);
        boolean[] seen = new boolean[4];
        for (int i = 0; i < 2_000; i++) {
            seen[Sampler.pick(logits, 0, 4, nucleus, rng)] = true;
        }
        assertArrayEquals(new boolean[] {true, true, false, false}, seen);
    }

    private static SampleRequest request(int sequences, int tokens, double temperature, int topK, double topP,
                                         boolean kvCache, long seed) {
        return request(sequences, tokens, temperature, topK, topP, kvCache, SamplingWindow.FAST, seed);
    }

    private static SampleRequest request(int sequences, int tokens, double temperature, int topK, double topP,
                                         boolean kvCache, SamplingWindow window, long seed) {
        return new SampleRequest(sequences, tokens, temperature, topK, topP, PROMPT, kvCache, window, seed);
    }

    /** Logits after each prefix of a sequence no longer than the context, from one uncached forward pass. */
    private static float[][] logitsAtEveryPosition(int[] sequence) {
        int length = sequence.length;
        assertTrue(length <= SMALL_CONTEXT.contextLength());
        try (GradMode off = GradMode.disabled(); NDManager scope = model.manager().newSubManager()) {
            long[] ids = Arrays.stream(sequence).asLongStream().toArray();
            NDArray logits = model.gpt().forward(scope.create(ids, new Shape(1, length)), false);
            float[] flat = logits.toFloatArray();
            float[][] rows = new float[length][];
            for (int i = 0; i < length; i++) {
                rows[i] = Arrays.copyOfRange(flat, i * 256, (i + 1) * 256);
            }
            return rows;
        }
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** How many entries are strictly larger, or equal with a lower index. */
    private static int rank(float[] values, int index) {
        int rank = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] > values[index] || (values[i] == values[index] && i < index)) {
                rank++;
            }
        }
        return rank;
    }
}
