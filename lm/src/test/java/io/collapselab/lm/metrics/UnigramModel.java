package io.collapselab.lm.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.collapselab.lm.model.Gpt;
import io.collapselab.lm.model.GptConfig;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A GPT whose every prediction is the same given distribution, whatever the context, so that a test can work out
 * by hand the loss it gives a text. All weights are zero but the embedding's first column, {@code ln p(token)}, and
 * the final LayerNorm's bias, (1, 0): the blocks then add nothing to the residual stream, the final LayerNorm (gain
 * zero) outputs its bias, and the tied head's logits are {@code ln p}.
 */
final class UnigramModel {

    private UnigramModel() {
    }

    /** @param probabilities one per token id, summing to 1 */
    static LanguageModel of(Tokenizer tokenizer, int contextLength, double[] probabilities) {
        GptConfig config = new GptConfig(1, 1, 2, contextLength, tokenizer.vocabularySize(), 0f);
        NDManager manager = NDManager.newBaseManager();
        Map<String, NDArray> weights = new LinkedHashMap<>();
        Gpt.weightShapes(config).forEach((name, shape) -> weights.put(name, manager.zeros(shape)));
        float[] embedding = new float[probabilities.length * 2];
        for (int token = 0; token < probabilities.length; token++) {
            embedding[2 * token] = (float) Math.log(probabilities[token]);
        }
        weights.put("wte", manager.create(embedding, weights.get("wte").getShape()));
        weights.put("ln_f.bias", manager.create(new float[] {1, 0}));
        return LanguageModel.fromWeights(manager, Gpt.withWeights(config, weights), tokenizer);
    }

    /** The same probability for every token. */
    static LanguageModel uniform(Tokenizer tokenizer, int contextLength) {
        double[] probabilities = new double[tokenizer.vocabularySize()];
        Arrays.fill(probabilities, 1.0 / probabilities.length);
        return of(tokenizer, contextLength, probabilities);
    }
}
