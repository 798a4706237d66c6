package io.collapselab.artifacts;

/**
 * An object as stored: its key, its {@code s3://bucket/key} URI (what events carry), the lowercase hex SHA-256 of
 * its content and its size in bytes.
 */
public record StoredObject(ObjectKey key, String uri, String sha256, long size) {
}
