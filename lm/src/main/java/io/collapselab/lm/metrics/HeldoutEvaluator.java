package io.collapselab.lm.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.collapselab.lm.model.GradMode;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.tokenizer.Tokenizer;

import java.util.Arrays;

/**
 * Held-out loss of a model on a tokenized text, in two ways:
 * <ul>
 *   <li>{@link #evaluate}, the whole text: cut into consecutive windows of the context length (the last one possibly
 *       shorter), each predicting every token after the text's first. No randomness, so the same model and text
 *       always give the same number.</li>
 *   <li>{@link #estimate}, the paper's estimate (nanoGPT's {@code estimate_loss}): windows of the context length at
 *       random places, each predicting the context-length tokens after its start; the places are drawn from a seed,
 *       so the same seed gives the same windows.</li>
 * </ul>
 * Both report the summed negative log-likelihood with the size of the text it was scored on, in tokens, bytes and
 * words, so that runs with different tokenizers can be compared per byte and per word.
 */
public final class HeldoutEvaluator {

    private static final double LN_2 = Math.log(2);

    /**
     * {@code totalNll} nats summed over {@code tokens} predicted tokens, which spell {@code bytes} bytes and
     * {@code words} words ({@link Words}) of text: the scored text. For the whole text that is the text from its
     * second token on; for the estimate, the predicted tokens of every window, each window's decoded on its own (a
     * word cut by a window's edge counts once in each window that holds part of it).
     */
    public record HeldoutLoss(double totalNll, long tokens, long bytes, long words) {

        /** Mean loss, nats per token. */
        public double loss() {
            return totalNll / tokens;
        }

        /** e^loss, per token of the tokenizer that scored the text. */
        public double perplexity() {
            return Math.exp(loss());
        }

        /** Total loss in bits over the bytes of the scored text: comparable across tokenizers. */
        public double bitsPerByte() {
            return totalNll / LN_2 / bytes;
        }

        /** e^(total loss / words of the scored text), comparable across tokenizers; null for a text without words. */
        public Double wordPerplexity() {
            return words == 0 ? null : Math.exp(totalNll / words);
        }
    }

    /** Receives progress in predicted tokens; called on the evaluating thread. */
    @FunctionalInterface
    public interface ProgressListener {
        void onProgress(long done, long total);
    }

    private HeldoutEvaluator() {
    }

    /**
     * The whole-text loss.
     *
     * @param maxTokens use only the first {@code maxTokens} tokens of the text (0: all of it)
     * @param batchSize windows per forward pass
     */
    public static HeldoutLoss evaluate(LanguageModel model, int[] text, int maxTokens, int batchSize,
                                       ProgressListener listener) {
        int length = usedLength(text, maxTokens);
        if (length < 2) {
            throw new IllegalArgumentException("held-out text needs at least 2 tokens, has " + length);
        }
        int window = model.config().contextLength();
        long predicted = length - 1;
        int fullWindows = (int) (predicted / window);
        int tail = (int) (predicted % window);
        double nllSum = 0;
        try (GradMode off = GradMode.disabled()) {
            for (int first = 0; first < fullWindows; first += batchSize) {
                int count = Math.min(batchSize, fullWindows - first);
                int[] starts = new int[count];
                for (int w = 0; w < count; w++) {
                    starts[w] = (first + w) * window;
                }
                nllSum += negativeLogLikelihood(model, text, starts, window);
                report(listener, (long) (first + count) * window, predicted);
            }
            if (tail > 0) {
                nllSum += negativeLogLikelihood(model, text, new int[] {fullWindows * window}, tail);
            }
        }
        report(listener, predicted, predicted);
        byte[] scored = model.tokenizer().decode(Arrays.copyOfRange(text, 1, length));
        return new HeldoutLoss(nllSum, predicted, scored.length, Words.of(scored).size());
    }

    /**
     * The window estimate: {@code windows} windows at the places {@link #windowStarts} draws from {@code seed}.
     *
     * @param maxTokens draw the windows from the first {@code maxTokens} tokens of the text (0: all of it)
     * @param batchSize windows per forward pass
     * @throws IllegalArgumentException when the text is too short for one window of the context length
     */
    public static HeldoutLoss estimate(LanguageModel model, int[] text, int maxTokens, int windows, long seed,
                                       int batchSize, ProgressListener listener) {
        int length = usedLength(text, maxTokens);
        int width = model.config().contextLength();
        int[] starts = windowStarts(seed, windows, length, width);
        Tokenizer tokenizer = model.tokenizer();
        long predicted = (long) windows * width;
        double nllSum = 0;
        long bytes = 0;
        long words = 0;
        try (GradMode off = GradMode.disabled()) {
            for (int first = 0; first < windows; first += batchSize) {
                int count = Math.min(batchSize, windows - first);
                nllSum += negativeLogLikelihood(model, text, Arrays.copyOfRange(starts, first, first + count), width);
                report(listener, (long) (first + count) * width, predicted);
            }
        }
        for (int start : starts) {
            byte[] scored = tokenizer.decode(Arrays.copyOfRange(text, start + 1, start + 1 + width));
            bytes += scored.length;
            words += Words.of(scored).size();
        }
        return new HeldoutLoss(nllSum, predicted, bytes, words);
    }

    /**
     * Where the estimate's windows start: {@code windows} positions drawn uniformly, with replacement, from
     * {@code [0, length - width)}, so that each window's {@code width} inputs and the {@code width} tokens they predict
     * lie in the text (nanoGPT draws its evaluation batches the same way).
     *
     * @throws IllegalArgumentException when the text has fewer than {@code width + 1} tokens
     */
    public static int[] windowStarts(long seed, int windows, int length, int width) {
        if (length < width + 1) {
            throw new IllegalArgumentException("held-out text has " + length + " tokens, fewer than the "
                    + (width + 1) + " one window of the context length needs; use a longer held-out text or"
                    + " evaluation.heldout 'whole'");
        }
        Rng rng = new Rng(seed);
        int[] starts = new int[windows];
        for (int w = 0; w < windows; w++) {
            starts[w] = rng.nextInt(length - width);
        }
        return starts;
    }

    /** How many of the text's tokens are held-out text: the first {@code maxTokens} (0: all of them). */
    public static int usedLength(int[] text, int maxTokens) {
        return maxTokens > 0 ? Math.min(maxTokens, text.length) : text.length;
    }

    private static void report(ProgressListener listener, long done, long total) {
        if (listener != null) {
            listener.onProgress(done, total);
        }
    }

    /** Summed NLL of one window of {@code width} predictions at each of {@code starts}, in one forward pass. */
    private static double negativeLogLikelihood(LanguageModel model, int[] text, int[] starts, int width) {
        int count = starts.length;
        long[] inputs = new long[count * width];
        long[] targets = new long[count * width];
        for (int w = 0; w < count; w++) {
            for (int i = 0; i < width; i++) {
                int position = starts[w] + i;
                inputs[w * width + i] = text[position];
                targets[w * width + i] = text[position + 1];
            }
        }
        try (NDManager scope = model.manager().newSubManager()) {
            Shape shape = new Shape(count, width);
            NDArray logits = model.gpt().forward(scope.create(inputs, shape), false);
            long vocabulary = logits.getShape().get(2);
            NDArray logProbabilities = logits.reshape(-1, vocabulary).logSoftmax(1)
                    .gather(scope.create(targets, new Shape(count * width, 1)), 1);
            return -logProbabilities.toType(DataType.FLOAT64, false).sum().getDouble();
        }
    }
}
