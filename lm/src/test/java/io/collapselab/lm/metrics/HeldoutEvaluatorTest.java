package io.collapselab.lm.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.tokenizer.BpeTokenizer;
import io.collapselab.lm.tokenizer.ByteTokenizer;
import io.collapselab.lm.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Each figure against a hand computation, with a model that predicts the same distribution everywhere: 'a' with
 * probability 1/2, 'b' 1/4, ' ' 1/8 and every other byte an equal share of the last 1/8.
 */
class HeldoutEvaluatorTest {

    /** The engine computes in float32. */
    private static final double TOLERANCE = 1e-5;
    private static final double LN_2 = Math.log(2);

    private static LanguageModel unigram(int contextLength) {
        double[] p = new double[256];
        Arrays.fill(p, 1.0 / 8 / 253);
        p['a'] = 1.0 / 2;
        p['b'] = 1.0 / 4;
        p[' '] = 1.0 / 8;
        return UnigramModel.of(ByteTokenizer.INSTANCE, contextLength, p);
    }

    private static double nats(byte b) {
        return switch (b) {
            case 'a' -> LN_2;
            case 'b' -> 2 * LN_2;
            case ' ' -> 3 * LN_2;
            default -> throw new IllegalArgumentException("the test texts hold only 'a', 'b' and ' '");
        };
    }

    private static int[] bytes(String text) {
        return ByteTokenizer.INSTANCE.encode(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theWholeTextPerTokenPerByteAndPerWord() {
        try (LanguageModel model = unigram(4)) {
            // "ab ab a" predicts "b ab a": b, ' ', a, b, ' ', a cost 2 + 3 + 1 + 2 + 3 + 1 = 12 bits, in a full
            // window of four predictions and a last one of two.
            HeldoutEvaluator.HeldoutLoss whole = HeldoutEvaluator.evaluate(model, bytes("ab ab a"), 0, 16, null);

            assertEquals(6, whole.tokens());
            assertEquals(6, whole.bytes());
            assertEquals(3, whole.words());
            assertEquals(12 * LN_2, whole.totalNll(), TOLERANCE);
            assertEquals(2 * LN_2, whole.loss(), TOLERANCE);
            assertEquals(4, whole.perplexity(), TOLERANCE);
            assertEquals(2, whole.bitsPerByte(), TOLERANCE);
            assertEquals(16, whole.wordPerplexity(), TOLERANCE); // e^(12 ln 2 / 3 words) = 2^4
        }
    }

    @Test
    void maxTokensScoresOnlyTheTextsFirstTokens() {
        try (LanguageModel model = unigram(4)) {
            // The first four tokens "ab a" predict "b a": 2 + 3 + 1 = 6 bits over 3 bytes and 2 words.
            HeldoutEvaluator.HeldoutLoss first = HeldoutEvaluator.evaluate(model, bytes("ab ab a"), 4, 1, null);

            assertEquals(3, first.tokens());
            assertEquals(2, first.bitsPerByte(), TOLERANCE);
            assertEquals(8, first.wordPerplexity(), TOLERANCE); // 2^(6 / 2)
        }
    }

    @Test
    void aScoredTextWithoutWordsHasNoWordPerplexity() {
        try (LanguageModel model = unigram(4)) {
            HeldoutEvaluator.HeldoutLoss spaces = HeldoutEvaluator.evaluate(model, bytes("a   "), 0, 16, null);

            assertEquals(0, spaces.words());
            assertNull(spaces.wordPerplexity());
            assertEquals(3, spaces.bitsPerByte(), TOLERANCE);
        }
    }

    /** With tokens of several bytes, per byte is not per token: the bytes are counted in the decoded text. */
    @Test
    void bitsPerByteCountTheBytesTheTokensSpell() {
        byte[] text = "the cat sat on the mat. ".repeat(40).getBytes(StandardCharsets.UTF_8);
        Tokenizer bpe = BpeTokenizer.train(text, 300);
        int[] tokens = bpe.encode(text);
        try (LanguageModel model = UnigramModel.uniform(bpe, 16)) {
            HeldoutEvaluator.HeldoutLoss uniform = HeldoutEvaluator.evaluate(model, tokens, 0, 8, null);

            int firstTokenBytes = bpe.tokenBytes(tokens[0]).length;
            double bits = (tokens.length - 1) * Math.log(bpe.vocabularySize()) / LN_2;
            assertTrue(tokens.length < text.length / 2, tokens.length + " tokens");
            assertEquals(text.length - firstTokenBytes, uniform.bytes());
            assertEquals(Words.of(Arrays.copyOfRange(text, firstTokenBytes, text.length)).size(), uniform.words());
            assertEquals(Math.log(bpe.vocabularySize()), uniform.loss(), TOLERANCE);
            assertEquals(bits / (text.length - firstTokenBytes), uniform.bitsPerByte(), TOLERANCE);
        }
    }

    @Test
    void theWindowEstimateIsTheMeanOverTheDrawnWindows() {
        byte[] text = randomText(400, 5);
        int width = 8;
        try (LanguageModel model = unigram(width)) {
            HeldoutEvaluator.HeldoutLoss estimate = HeldoutEvaluator.estimate(model,
                    ByteTokenizer.INSTANCE.encode(text), 0, 20, 11, 3, null);

            int[] starts = HeldoutEvaluator.windowStarts(11, 20, text.length, width);
            double nats = 0;
            long words = 0;
            for (int start : starts) {
                for (int i = 1; i <= width; i++) {
                    nats += nats(text[start + i]);
                }
                words += Words.of(Arrays.copyOfRange(text, start + 1, start + 1 + width)).size();
            }
            assertEquals(20 * width, estimate.tokens());
            assertEquals(20 * width, estimate.bytes());
            assertEquals(words, estimate.words());
            assertEquals(nats / (20 * width), estimate.loss(), TOLERANCE);
            assertEquals(nats / LN_2 / (20 * width), estimate.bitsPerByte(), TOLERANCE);
            assertEquals(Math.exp(nats / words), estimate.wordPerplexity(), estimate.wordPerplexity() * TOLERANCE);
        }
    }

    @Test
    void theWindowsAreTheSameForASeedAndOthersForAnotherSeed() {
        int[] text = ByteTokenizer.INSTANCE.encode(randomText(400, 5));
        try (LanguageModel model = unigram(8)) {
            double first = HeldoutEvaluator.estimate(model, text, 0, 20, 11, 4, null).loss();
            double again = HeldoutEvaluator.estimate(model, text, 0, 20, 11, 4, null).loss();
            double otherSeed = HeldoutEvaluator.estimate(model, text, 0, 20, 12, 4, null).loss();

            assertEquals(first, again);
            assertNotEquals(first, otherSeed);
        }
        assertArrayEquals(HeldoutEvaluator.windowStarts(11, 50, 400, 8), HeldoutEvaluator.windowStarts(11, 50, 400, 8));
        assertNotEquals(Arrays.toString(HeldoutEvaluator.windowStarts(11, 50, 400, 8)),
                Arrays.toString(HeldoutEvaluator.windowStarts(12, 50, 400, 8)));
    }

    @Test
    void windowsStartWhereTheirPredictionsStayInTheText() {
        int[] starts = HeldoutEvaluator.windowStarts(3, 10_000, 20, 8);

        assertEquals(0, Arrays.stream(starts).min().orElseThrow());
        assertEquals(20 - 8 - 1, Arrays.stream(starts).max().orElseThrow()); // predicts tokens up to index 19
        assertArrayEquals(new int[] {0, 0, 0}, HeldoutEvaluator.windowStarts(3, 3, 9, 8));
        IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
                () -> HeldoutEvaluator.windowStarts(3, 3, 8, 8));
        assertEquals("held-out text has 8 tokens, fewer than the 9 one window of the context length needs; use a"
                + " longer held-out text or evaluation.heldout 'whole'", tooShort.getMessage());
    }

    @Test
    void theEstimateDrawsItsWindowsFromTheFirstMaxTokens() {
        // Only "a" in the first 100 bytes: every window there costs exactly 1 bit a byte.
        byte[] text = ("a".repeat(100) + "b".repeat(300)).getBytes(StandardCharsets.UTF_8);
        try (LanguageModel model = unigram(8)) {
            HeldoutEvaluator.HeldoutLoss estimate = HeldoutEvaluator.estimate(model,
                    ByteTokenizer.INSTANCE.encode(text), 100, 30, 4, 16, null);

            assertEquals(1, estimate.bitsPerByte(), TOLERANCE);
        }
    }

    private static byte[] randomText(int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] text = new byte[length];
        byte[] letters = {'a', 'b', ' '};
        for (int i = 0; i < length; i++) {
            text[i] = letters[random.nextInt(letters.length)];
        }
        return text;
    }
}
