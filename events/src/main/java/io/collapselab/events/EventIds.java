package io.collapselab.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic identifiers: the same logical event always gets the same id, however often it is emitted. */
public final class EventIds {

    private EventIds() {
    }

    /**
     * The id of the event of {@code type} for generation {@code generation} of run {@code runId}: the lowercase hex
     * SHA-256 of the UTF-8 text {@code runId|TypeName|generation}.
     */
    public static String eventId(String runId, EventType type, int generation) {
        return sha256Hex(runId + "|" + type.typeName() + "|" + generation);
    }

    /**
     * The id of a dead letter: the lowercase hex SHA-256 of {@code sourceTopic|partition|offset|refusingService}.
     * The same record refused again by the same service gets the same id; two services refusing it get two.
     */
    public static String deadLetterId(DeadLetter deadLetter) {
        String refusingService = deadLetter.refusedBy() == null ? "" : deadLetter.refusedBy().service();
        return sha256Hex(deadLetter.sourceTopic() + "|" + deadLetter.sourcePartition() + "|"
                + deadLetter.sourceOffset() + "|" + refusingService);
    }

    /** Lowercase hex SHA-256 of the UTF-8 encoding of {@code text}. */
    private static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
