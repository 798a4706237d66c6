package io.collapselab.lm.train;

import io.collapselab.lm.model.LanguageModel;

/**
 * What holds a self-training phase near its start, beside the cross-entropy of its own batch: a frozen
 * {@code reference} model whose distribution the KL term keeps the model close to, with weight {@code klWeight},
 * and real training tokens whose cross-entropy is added with weight {@code realWeight}. A weight of 0 leaves its
 * term out, and its input may then be null.
 */
public record Anchors(LanguageModel reference, double klWeight, int[] realTokens, double realWeight) {

    /** No anchor: the plain objective. */
    public static final Anchors NONE = new Anchors(null, 0, null, 0);

    public Anchors {
        if (!(klWeight >= 0) || !(realWeight >= 0)) {
            throw new IllegalArgumentException("anchor weights must not be negative, were " + klWeight + " and "
                    + realWeight);
        }
        if (klWeight > 0 && reference == null) {
            throw new IllegalArgumentException("a KL anchor needs its reference model");
        }
        if (realWeight > 0 && realTokens == null) {
            throw new IllegalArgumentException("a real-gradient anchor needs real training tokens");
        }
    }
}
