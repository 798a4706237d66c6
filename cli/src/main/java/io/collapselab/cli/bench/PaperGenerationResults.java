package io.collapselab.cli.bench;

import io.collapselab.lm.bench.PaperGenerationResult;

import java.util.List;

/**
 * Everything one {@code collapse bench gpt2} measured and the conditions it measured under: what
 * {@link PaperGenerationTable} prints and {@code --json} writes.
 *
 * @param loadAverageAtStart    the 1-minute load average, negative where the system has none
 * @param torchReference        the PyTorch reference's results, empty where it was not asked for or did not run
 * @param torchReferenceSkipped why the PyTorch reference was asked for but could not run; null otherwise
 */
public record PaperGenerationResults(int cores, double loadAverageAtStart, double loadAverageAtEnd, boolean quick,
                                     List<PaperGenerationResult> results, List<TorchPaperGeneration> torchReference,
                                     String torchReferenceSkipped) {
}
