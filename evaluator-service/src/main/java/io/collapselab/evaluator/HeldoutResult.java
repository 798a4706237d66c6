package io.collapselab.evaluator;

/**
 * The held-out half of a generation's evaluation, of its checkpoint on the run's real held-out text: the
 * generation's figure by {@code method} (loss in nats per token, perplexity, predicted tokens, bits per byte, word
 * perplexity) and the whole-text figure, whose fields are null where the schedule has none. Kept beside the
 * checkpoint until the corpus half is known, so that a restarted evaluator can still combine the two.
 */
record HeldoutResult(String checkpointSha256, double loss, double perplexity, long tokens, String method,
                     Double bitsPerByte, Double wordPerplexity, Double wholeTextLoss, Double wholeTextPerplexity,
                     Double wholeTextBitsPerByte, Double wholeTextWordPerplexity, Long wholeTextTokens) {
}
