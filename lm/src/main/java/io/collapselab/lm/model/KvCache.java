package io.collapselab.lm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every attention layer for the tokens a sequence batch has seen so far, so that sampling the
 * next token costs one position's worth of compute instead of a pass over the whole context.
 *
 * <p>Each layer's keys and values live in one array of the full context length, allocated on first use in the
 * cache's own manager; new positions are written into it in place and attention reads a view of the filled part.
 * Growing the arrays by concatenation instead would copy the whole cache at every token, which at batch 16 cost
 * more than the rest of the step.
 */
public final class KvCache implements AutoCloseable {

    private static final int TIME_AXIS = 2;

    private final NDManager manager;
    private final int capacity;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    /**
     * @param capacity positions the cache can hold (the model's context length)
     */
    public KvCache(NDManager parent, int layers, int capacity) {
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Number of positions cached. */
    public int length() {
        return length;
    }

    /** Forgets every position (the sliding window moved: positions of what remains have changed). */
    public void clear() {
        length = 0;
    }

    /** Writes {@code newKeys (B, H, n, D)} after the cached positions; all keys so far, a view valid for this step. */
    NDArray appendKeys(int layer, NDArray newKeys) {
        keys[layer] = buffer(keys[layer], newKeys);
        return append(keys[layer], newKeys);
    }

    NDArray appendValues(int layer, NDArray newValues) {
        values[layer] = buffer(values[layer], newValues);
        return append(values[layer], newValues);
    }

    void advance(int positions) {
        length += positions;
    }

    private NDArray buffer(NDArray existing, NDArray fresh) {
        Shape shape = fresh.getShape();
        if (existing != null && existing.getShape().get(0) == shape.get(0)) {
            return existing;
        }
        if (existing != null) {
            existing.close();
        }
        return manager.zeros(new Shape(shape.get(0), shape.get(1), capacity, shape.get(3)), fresh.getDataType(),
                fresh.getDevice());
    }

    private NDArray append(NDArray buffer, NDArray fresh) {
        long end = length + fresh.getShape().get(2);
        buffer.set(NDIndex.sliceAxis(TIME_AXIS, length, end), fresh);
        NDArray filled = buffer.get(NDIndex.sliceAxis(TIME_AXIS, 0, end));
        filled.attach(fresh.getManager());   // the view dies with the step that asked for it, not with the cache
        return filled;
    }

    @Override
    public void close() {
        manager.close();
    }
}
