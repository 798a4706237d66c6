package io.collapselab.events;

import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A record some service refused, as published on the dead-letter topic: why, where it came from, its original key
 * and value bytes untouched (base64 in JSON; {@code null} when the record had none) and who refused it when.
 * Keeping the original bytes lets an operator inspect or replay exactly what was sent.
 */
public record DeadLetter(
        int schemaVersion,
        String reason,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        String originalKey,
        byte[] originalValue,
        ProducerInfo refusedBy,
        Instant occurredAt) {

    /** The schema version this code writes. */
    public static final int CURRENT_SCHEMA_VERSION = 1;

    public DeadLetter {
        originalValue = originalValue == null ? null : originalValue.clone();
    }

    public static DeadLetter of(String reason, String sourceTopic, int sourcePartition, long sourceOffset,
            String originalKey, byte[] originalValue, ProducerInfo refusedBy, Instant occurredAt) {
        return new DeadLetter(CURRENT_SCHEMA_VERSION, reason, sourceTopic, sourcePartition, sourceOffset, originalKey,
                originalValue, refusedBy, occurredAt);
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
                && Objects.equals(refusedBy, that.refusedBy)
                && Objects.equals(occurredAt, that.occurredAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(schemaVersion, reason, sourceTopic, sourcePartition, sourceOffset, originalKey,
                Arrays.hashCode(originalValue), refusedBy, occurredAt);
    }

    @Override
    public String toString() {
        return "DeadLetter[schemaVersion=" + schemaVersion + ", reason=" + reason + ", sourceTopic=" + sourceTopic
                + ", sourcePartition=" + sourcePartition + ", sourceOffset=" + sourceOffset + ", originalKey="
                + originalKey + ", originalValue="
                + (originalValue == null ? "null" : Base64.getEncoder().encodeToString(originalValue))
                + ", refusedBy=" + refusedBy + ", occurredAt=" + occurredAt + "]";
    }
}
