package io.collapselab.artifacts;

/**
 * An artifact store operation failed. Messages name the object or operation and the endpoint, never the
 * credentials.
 */
public class ArtifactStoreException extends RuntimeException {

    public ArtifactStoreException(String message) {
        super(message);
    }

    public ArtifactStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
