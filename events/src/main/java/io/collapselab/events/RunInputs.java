package io.collapselab.events;

/**
 * What a run starts from, uploaded by the submitter: the real training and held-out texts under the run's prefix,
 * and, for a run whose {@code model.initFrom} names a pretrained model, that model's files ({@code null}
 * otherwise).
 */
public record RunInputs(ObjectRef train, ObjectRef heldout, BaseModel baseModel) {

    /** The inputs of a run that starts from fresh weights. */
    public RunInputs(ObjectRef train, ObjectRef heldout) {
        this(train, heldout, null);
    }

    /**
     * A pretrained model's two files in the hub's layout, each stored once under its own digest
     * ({@code models/<sha256>/config.json}, {@code models/<sha256>/model.safetensors}) and shared by every run that
     * starts from it.
     */
    public record BaseModel(ObjectRef config, ObjectRef weights) {
    }
}
