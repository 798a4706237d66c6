package io.collapselab.evaluator;

/**
 * The held-out half of a generation's evaluation: loss (nats per token) and perplexity of its checkpoint on the
 * run's real held-out text. Kept beside the checkpoint until the corpus half is known, so that a restarted
 * evaluator can still combine the two.
 */
record HeldoutResult(String checkpointSha256, double loss, double perplexity, long tokens) {
}
