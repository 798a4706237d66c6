package io.collapselab.lm.sample;

/**
 * Which earlier tokens predict the next one once a sequence is longer than the model's context T. Both see every
 * token while the sequence fits the context; they differ only past it.
 */
public enum SamplingWindow {

    /**
     * Exactly the last T tokens at every position, as nanoGPT's {@code generate} crops its input: the window moves
     * by one token per position, so past the context every position is a forward pass over a full window.
     */
    EXACT {
        @Override
        int start(int position, int contextLength) {
            return Math.max(0, position - contextLength);
        }
    },

    /**
     * A window that jumps by half the context at a time: position n sees tokens [s(n), n) with s(n) the smallest
     * multiple of T/2 that leaves at most T tokens, i.e. between T/2 and T of them. Between jumps the KV cache stays
     * valid, so a position costs one cached step instead of a full window.
     */
    FAST {
        @Override
        int start(int position, int contextLength) {
            if (position <= contextLength) {
                return 0;
            }
            int stride = Math.max(1, contextLength / 2);
            return stride * ((position - contextLength + stride - 1) / stride);
        }
    };

    /** First position of the window that predicts position {@code position}. */
    abstract int start(int position, int contextLength);
}
