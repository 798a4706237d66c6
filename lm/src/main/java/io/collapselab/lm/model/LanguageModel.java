package io.collapselab.lm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.collapselab.lm.optim.AdamW;
import io.collapselab.lm.tokenizer.Tokenizer;

import java.util.Map;

/**
 * A GPT with everything needed to use and continue it: tokenizer, optimizer state and training progress. It owns
 * the native memory of its weights; close it when done.
 */
public final class LanguageModel implements AutoCloseable {

    private final NDManager manager;
    private final Gpt gpt;
    private final Tokenizer tokenizer;
    private final AdamW optimizer;
    private TrainingProgress progress;
    private boolean gradientsAttached;

    LanguageModel(NDManager manager, Gpt gpt, Tokenizer tokenizer, AdamW optimizer, TrainingProgress progress) {
        if (gpt.config().vocabularySize() != tokenizer.vocabularySize()) {
            throw new IllegalArgumentException("model vocabulary (" + gpt.config().vocabularySize()
                    + ") differs from the tokenizer's (" + tokenizer.vocabularySize() + ")");
        }
        this.manager = manager;
        this.gpt = gpt;
        this.tokenizer = tokenizer;
        this.optimizer = optimizer;
        this.progress = progress;
    }

    /** A freshly initialised model on the engine's default device (a GPU when there is one). */
    public static LanguageModel create(GptConfig config, Tokenizer tokenizer, long initSeed) {
        NDManager manager = NDManager.newBaseManager();
        try {
            Gpt gpt = Gpt.initialize(config, manager, initSeed);
            return new LanguageModel(manager, gpt, tokenizer, new AdamW(manager), TrainingProgress.START);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * A model over weights made elsewhere (an imported GPT-2), about to be trained here for the first time: fresh
     * AdamW state and {@link TrainingProgress#START}. It takes over {@code manager}, which must own the weights.
     */
    public static LanguageModel fromWeights(NDManager manager, Gpt gpt, Tokenizer tokenizer) {
        return new LanguageModel(manager, gpt, tokenizer, new AdamW(manager), TrainingProgress.START);
    }

    public Gpt gpt() {
        return gpt;
    }

    public GptConfig config() {
        return gpt.config();
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public NDManager manager() {
        return manager;
    }

    public TrainingProgress progress() {
        return progress;
    }

    public void setProgress(TrainingProgress progress) {
        this.progress = progress;
    }

    /** The weights, with gradients attached the first time (inference-only models never pay for them). */
    public Map<String, NDArray> trainableWeights() {
        if (!gradientsAttached) {
            gpt.weights().values().forEach(w -> w.setRequiresGradient(true));
            gradientsAttached = true;
        }
        return gpt.weights();
    }

    @Override
    public void close() {
        manager.close();
    }
}
