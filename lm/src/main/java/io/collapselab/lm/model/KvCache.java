package io.collapselab.lm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of every attention layer for the tokens a sequence batch has seen so far, so that sampling the
 * next token costs one position's worth of compute instead of a pass over the whole context. The arrays live in
 * the cache's own manager, outliving the per-token scopes that compute them.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    public KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Number of positions cached. */
    public int length() {
        return length;
    }

    /** Forgets every position (the sliding window moved: positions of what remains have changed). */
    public void clear() {
        for (int i = 0; i < keys.length; i++) {
            close(keys[i]);
            close(values[i]);
            keys[i] = null;
            values[i] = null;
        }
        length = 0;
    }

    NDArray appendKeys(int layer, NDArray newKeys) {
        keys[layer] = append(keys[layer], newKeys);
        return keys[layer];
    }

    NDArray appendValues(int layer, NDArray newValues) {
        values[layer] = append(values[layer], newValues);
        return values[layer];
    }

    void advance(int positions) {
        length += positions;
    }

    /** Concatenates along time, axis 2 of (B, H, T, D). */
    private NDArray append(NDArray cached, NDArray fresh) {
        if (cached == null) {
            fresh.attach(manager);
            return fresh;
        }
        NDArray joined = cached.concat(fresh, 2);
        joined.attach(manager);
        cached.close();
        return joined;
    }

    private static void close(NDArray array) {
        if (array != null) {
            array.close();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
