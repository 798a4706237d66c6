package io.collapselab.events;

/** The real texts a run starts from, uploaded by the submitter: training text and held-out text. */
public record RunInputs(ObjectRef train, ObjectRef heldout) {
}
