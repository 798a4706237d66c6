package io.collapselab.events;

/**
 * An object in the object store, named by its {@code s3://bucket/key} URI, with the lowercase hex SHA-256 and the
 * size in bytes of its content. Readers check what they download against the digest.
 */
public record ObjectRef(String uri, String sha256, long size) {
}
