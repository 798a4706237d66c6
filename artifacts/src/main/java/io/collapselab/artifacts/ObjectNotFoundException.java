package io.collapselab.artifacts;

/** No object exists under the key. */
public final class ObjectNotFoundException extends ArtifactStoreException {

    private final transient ObjectKey key;

    public ObjectNotFoundException(ObjectKey key, String bucket, String endpoint) {
        super("object " + key.toUri(bucket) + " does not exist at " + endpoint);
        this.key = key;
    }

    public ObjectKey key() {
        return key;
    }
}
