package io.collapselab.lm.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.collapselab.lm.model.GradMode;
import io.collapselab.lm.model.LanguageModel;

/**
 * Held-out loss over a whole text, deterministically: the text is cut into consecutive windows of the context
 * length (the last one possibly shorter), each predicting every token after the text's first, and the loss is
 * the mean negative log-likelihood over all of them. No randomness, so the same model and text always give the
 * same number.
 */
public final class HeldoutEvaluator {

    /** Mean loss (nats per token) over {@code tokens} predicted tokens; perplexity is e^loss. */
    public record HeldoutLoss(double loss, long tokens) {
        public double perplexity() {
            return Math.exp(loss);
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
     * @param maxTokens use only the first {@code maxTokens} tokens of the text (0: all of it)
     * @param batchSize windows per forward pass
     */
    public static HeldoutLoss evaluate(LanguageModel model, int[] text, int maxTokens, int batchSize,
                                       ProgressListener listener) {
        int length = maxTokens > 0 ? Math.min(maxTokens, text.length) : text.length;
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
                nllSum += negativeLogLikelihood(model, text, first * window, count, window);
                if (listener != null) {
                    listener.onProgress((long) (first + count) * window, predicted);
                }
            }
            if (tail > 0) {
                nllSum += negativeLogLikelihood(model, text, fullWindows * window, 1, tail);
            }
        }
        if (listener != null) {
            listener.onProgress(predicted, predicted);
        }
        return new HeldoutLoss(nllSum / predicted, predicted);
    }

    /** Summed NLL of {@code count} adjacent windows of {@code width} predictions starting at {@code offset}. */
    private static double negativeLogLikelihood(LanguageModel model, int[] text, int offset, int count, int width) {
        long[] inputs = new long[count * width];
        long[] targets = new long[count * width];
        for (int w = 0; w < count; w++) {
            for (int i = 0; i < width; i++) {
                int position = offset + w * width + i;
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
            return -logProbabilities.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).sum().getDouble();
        }
    }
}
