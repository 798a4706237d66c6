package io.collapselab.lm;

import io.collapselab.lm.data.Wikitext2;

import java.util.Arrays;

/** WikiText-2 for tests: the copy this module ships, checked against its digests. */
public final class RealText {

    private RealText() {
    }

    /** The first {@code bytes} bytes of the training split. */
    public static byte[] train(int bytes) {
        return prefix(Wikitext2.shippedTrainText(), bytes);
    }

    /** The first {@code bytes} bytes of the held-out split. */
    public static byte[] heldout(int bytes) {
        return prefix(Wikitext2.shippedHeldoutText(), bytes);
    }

    private static byte[] prefix(byte[] all, int bytes) {
        return Arrays.copyOf(all, Math.min(bytes, all.length));
    }
}
