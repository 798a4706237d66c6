package io.collapselab.artifacts;

/** The bytes read for a key do not have the digest the caller expected (usually the one an event carried). */
public final class DigestMismatchException extends ArtifactStoreException {

    private final transient ObjectKey key;
    private final String expectedSha256;
    private final String actualSha256;

    public DigestMismatchException(ObjectKey key, String bucket, String expectedSha256, String actualSha256) {
        super(key.toUri(bucket) + " has sha256 " + actualSha256 + " but " + expectedSha256
                + " was expected: the object was changed or corrupted after it was written, or the expected"
                + " digest belongs to other content; do not use it");
        this.key = key;
        this.expectedSha256 = expectedSha256;
        this.actualSha256 = actualSha256;
    }

    public ObjectKey key() {
        return key;
    }

    public String expectedSha256() {
        return expectedSha256;
    }

    public String actualSha256() {
        return actualSha256;
    }
}
