package io.collapselab.events;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A record some service refused, as published on the dead-letter topic: why, where it came from (topic, partition
 * and offset, where the original can be read back while the topic retains it), its original key, the first
 * {@value #MAX_ORIGINAL_BYTES} bytes of its original value (base64 in JSON; {@code null} when the record had none)
 * with the whole value's size and SHA-256, and who refused it when. The cap keeps every dead letter well inside the
 * producer's request size, so that a refused record of any size leaves its trace; for records up to the cap the
 * original bytes are all there, to inspect or replay exactly what was sent.
 *
 * <p>Schema version 1 carried the whole value and no size or digest; such dead letters read with both {@code null}.
 */
public record DeadLetter(
        int schemaVersion,
        String reason,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        String originalKey,
        byte[] originalValue,
        Long originalSize,
        String originalSha256,
        ProducerInfo refusedBy,
        Instant occurredAt) {

    /** The schema version this code writes. */
    public static final int CURRENT_SCHEMA_VERSION = 2;

    /** How much of the original value a dead letter keeps: 64 KiB, base64 about 87 KB. */
    public static final int MAX_ORIGINAL_BYTES = 64 * 1024;

    /** How much of the original key a dead letter keeps, in characters. */
    public static final int MAX_ORIGINAL_KEY_CHARS = 1024;

    public DeadLetter {
        originalValue = originalValue == null ? null : originalValue.clone();
    }

    /**
     * The dead letter of a record with key {@code originalKey} and value {@code original} (either may be
     * {@code null}), keeping at most {@value #MAX_ORIGINAL_BYTES} bytes of the value and
     * {@value #MAX_ORIGINAL_KEY_CHARS} characters of the key.
     */
    public static DeadLetter of(String reason, String sourceTopic, int sourcePartition, long sourceOffset,
            String originalKey, byte[] original, ProducerInfo refusedBy, Instant occurredAt) {
        String key = originalKey == null || originalKey.length() <= MAX_ORIGINAL_KEY_CHARS
                ? originalKey
                : originalKey.substring(0, MAX_ORIGINAL_KEY_CHARS);
        return new DeadLetter(CURRENT_SCHEMA_VERSION, reason, sourceTopic, sourcePartition, sourceOffset, key,
                original == null ? null : Arrays.copyOf(original, Math.min(original.length, MAX_ORIGINAL_BYTES)),
                original == null ? null : (long) original.length, original == null ? null : sha256Hex(original),
                refusedBy, occurredAt);
    }

    /** Whether {@link #originalValue} is the whole original value, not only its start. */
    public boolean hasWholeOriginal() {
        return originalValue == null || originalSize == null || originalValue.length == originalSize;
    }

    @Override
    public byte[] originalValue() {
        return originalValue == null ? null : originalValue.clone();
    }

    // Records compare arrays by identity; a dead letter is a value, so compare the bytes.
    @Override
    public boolean equals(Object other) {
        return other instanceof DeadLetter that
                && schemaVersion == that.schemaVersion
                && sourcePartition == that.sourcePartition
                && sourceOffset == that.sourceOffset
                && Objects.equals(reason, that.reason)
                && Objects.equals(sourceTopic, that.sourceTopic)
                && Objects.equals(originalKey, that.originalKey)
                && Arrays.equals(originalValue, that.originalValue)
                && Objects.equals(originalSize, that.originalSize)
                && Objects.equals(originalSha256, that.originalSha256)
                && Objects.equals(refusedBy, that.refusedBy)
                && Objects.equals(occurredAt, that.occurredAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(schemaVersion, reason, sourceTopic, sourcePartition, sourceOffset, originalKey,
                Arrays.hashCode(originalValue), originalSize, originalSha256, refusedBy, occurredAt);
    }

    @Override
    public String toString() {
        return "DeadLetter[schemaVersion=" + schemaVersion + ", reason=" + reason + ", sourceTopic=" + sourceTopic
                + ", sourcePartition=" + sourcePartition + ", sourceOffset=" + sourceOffset + ", originalKey="
                + originalKey + ", originalValue="
                + (originalValue == null ? "null" : Base64.getEncoder().encodeToString(originalValue))
                + ", originalSize=" + originalSize + ", originalSha256=" + originalSha256
                + ", refusedBy=" + refusedBy + ", occurredAt=" + occurredAt + "]";
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
