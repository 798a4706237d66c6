package io.collapselab.cli.bench;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What {@code bench/torch_reference.py --paper} prints: one paper generation at GPT-2 124M shapes as the paper's
 * nanoGPT code runs it (generate with the input cropped to the context, then one training step), at one thread count.
 *
 * @param exactTokensPerSecond           sampled tokens per second, median of the timed generations
 * @param peakResidentBytesAfterTraining peak resident memory of the script after its training steps, before it
 *                                       samples
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TorchPaperGeneration(int threads, int sampledTokens, double exactTokensPerSecond,
                                   double trainingStepSeconds, double generationSeconds,
                                   long peakResidentBytesAfterTraining, String torch, String blas) {
}
