package io.collapselab.artifacts;

/** The key already holds different content; objects are immutable, so the write was refused. */
public final class ObjectConflictException extends ArtifactStoreException {

    private final transient ObjectKey key;
    private final String existingSha256;
    private final String newSha256;

    public ObjectConflictException(ObjectKey key, String bucket, String existingSha256, String newSha256) {
        super(key.toUri(bucket) + " already holds content with sha256 " + existingSha256
                + "; refusing to replace it with content with sha256 " + newSha256
                + ": stored objects are immutable, so write different content under another run or generation");
        this.key = key;
        this.existingSha256 = existingSha256;
        this.newSha256 = newSha256;
    }

    public ObjectKey key() {
        return key;
    }

    public String existingSha256() {
        return existingSha256;
    }

    public String newSha256() {
        return newSha256;
    }
}
