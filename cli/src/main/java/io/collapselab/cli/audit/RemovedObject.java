package io.collapselab.cli.audit;

/**
 * An object an event names that the run's retention policy removed, as the policy allowed: reported, not a
 * discrepancy. {@code collapse audit --recompute} recomputes it from the nearest kept ancestor.
 *
 * @param what   e.g. {@code checkpoint 4}
 * @param policy the policy in words
 */
public record RemovedObject(int generation, String what, String uri, String sha256, String policy) {
}
