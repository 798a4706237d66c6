package io.collapselab.lm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import io.collapselab.lm.model.GptConfig;

import java.util.List;

/**
 * The matrix products of one training step's forward pass, timed alone: per block the four linear layers over all
 * batch x context rows and the two attention products per head, then the LM head. They are most of a step's work,
 * and their speed is that of the BLAS the engine links, not of anything collapse-lab does; timing the same products
 * in the PyTorch reference shows how much of a training-speed ratio is the two libraries' BLAS.
 */
final class MatrixProducts implements AutoCloseable {

    private final NDManager manager;
    private final GptConfig config;
    private final int batchSize;
    private final List<NDArray[]> linears;
    private final NDArray queries;
    private final NDArray keys;
    private final NDArray keysTransposed;
    private final NDArray scores;
    private final NDArray head;

    MatrixProducts(NDManager parent, GptConfig config, int batchSize) {
        this.manager = parent.newSubManager();
        this.config = config;
        this.batchSize = batchSize;
        long rows = (long) batchSize * config.contextLength();
        long c = config.width();
        linears = List.of(linear(rows, c, 3 * c), linear(rows, c, c), linear(rows, c, 4 * c), linear(rows, 4 * c, c));
        long batches = (long) batchSize * config.heads();
        queries = manager.randomNormal(new Shape(batches, config.contextLength(), config.headWidth()));
        keys = manager.randomNormal(new Shape(batches, config.contextLength(), config.headWidth()));
        keysTransposed = keys.transpose(0, 2, 1);
        scores = manager.randomNormal(new Shape(batches, config.contextLength(), config.contextLength()));
        head = manager.randomNormal(new Shape(config.vocabularySize(), c));
    }

    /** Input, weight and bias of a linear layer from {@code in} to {@code out} features over {@code rows} rows. */
    private NDArray[] linear(long rows, long in, long out) {
        return new NDArray[] {manager.randomNormal(new Shape(rows, in)), manager.randomNormal(new Shape(out, in)),
            manager.randomNormal(new Shape(out))};
    }

    /** Floating-point operations of one forward pass's products (a multiply-add counts two). */
    double flopsPerPass() {
        double rows = (double) batchSize * config.contextLength();
        double c = config.width();
        double t = config.contextLength();
        double perLayer = 2 * rows * c * (3 * c + c + 4 * c) + 2 * rows * 4 * c * c + 2 * 2 * rows * t * c;
        return config.layers() * perLayer + 2 * rows * c * config.vocabularySize();
    }

    /** One forward pass's products; the operands lend themselves to a scope, so every result dies with it. */
    void runPass() {
        try (NDManager scope = manager.newSubManager()) {
            for (NDArray[] linear : linears) {
                linear[0].tempAttach(scope);
            }
            queries.tempAttach(scope);
            scores.tempAttach(scope);
            for (int layer = 0; layer < config.layers(); layer++) {
                for (NDArray[] linear : linears) {
                    Linear.linear(linear[0], linear[1], linear[2]);
                }
                queries.matMul(keysTransposed);
                scores.matMul(keys);
            }
            Linear.linear(linears.get(0)[0], head);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
