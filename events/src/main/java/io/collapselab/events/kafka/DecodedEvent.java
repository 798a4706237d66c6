package io.collapselab.events.kafka;

import io.collapselab.events.CollapseEvent;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * What a record turned out to hold: a {@link Valid} event, or {@link Invalid} bytes with the reason. Decoding
 * never throws, so one bad record cannot stop a consumer; the invalid bytes are kept for the dead-letter topic.
 */
public sealed interface DecodedEvent {

    /** A well-formed event that passed validation. */
    record Valid(CollapseEvent event) implements DecodedEvent {
    }

    /**
     * A record that is not a valid event. {@code originalBytes} is the record value exactly as received,
     * {@code null} when the record had none.
     */
    record Invalid(String reason, byte[] originalBytes) implements DecodedEvent {

        public Invalid {
            originalBytes = originalBytes == null ? null : originalBytes.clone();
        }

        @Override
        public byte[] originalBytes() {
            return originalBytes == null ? null : originalBytes.clone();
        }

        // Records compare arrays by identity; an outcome is a value, so compare the bytes.
        @Override
        public boolean equals(Object other) {
            return other instanceof Invalid that
                    && Objects.equals(reason, that.reason)
                    && Arrays.equals(originalBytes, that.originalBytes);
        }

        @Override
        public int hashCode() {
            return 31 * Objects.hashCode(reason) + Arrays.hashCode(originalBytes);
        }

        @Override
        public String toString() {
            return "Invalid[reason=" + reason + ", originalBytes="
                    + (originalBytes == null ? "null" : Base64.getEncoder().encodeToString(originalBytes)) + "]";
        }
    }
}
