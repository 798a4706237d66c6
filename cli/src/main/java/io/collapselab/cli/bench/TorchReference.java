package io.collapselab.cli.bench;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** What {@code bench/torch_reference.py} prints: the PyTorch side of one size at one thread count. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TorchReference(String size, int threads, int batchSize, int warmupSteps, int stepsPerRepetition,
                             int repetitions, double trainTokensPerSecond, double matrixProductGflopsPerSecond,
                             String torch, String blas, String blasLibrary) {
}
