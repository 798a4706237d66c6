package io.collapselab.cli.audit;

/**
 * What re-executing one generation in this process gave, beside what the run recorded.
 *
 * @param intraOpThreads the tensor engine's intra-op threads here; digests match only for the services' count
 * @param checkpoint     the checkpoint recomputed from the parent checkpoint and the training mix (from the
 *                       training text for generation 0); {@code null} when its inputs were not available
 * @param corpus         the corpus re-sampled from the generation's checkpoint; {@code null} when the log has no
 *                       corpus of the generation or no checkpoint with the recorded digest to sample from
 * @param note           why a comparison is missing, or what a mismatch may come from; empty when all matched
 */
public record Recomputation(int generation, int intraOpThreads, DigestComparison checkpoint,
                            DigestComparison corpus, String note) {

    /** A recorded digest and the recomputed one. */
    public record DigestComparison(String recorded, String recomputed, boolean matches) {

        static DigestComparison of(String recorded, String recomputed) {
            return new DigestComparison(recorded, recomputed, recorded.equals(recomputed));
        }
    }
}
