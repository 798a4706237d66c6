package io.collapselab.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The SHA-256 that identifies stored content: how it is computed while content streams, and how it is checked. */
class DigestsTest {

    // FIPS 180-2, appendix B.1, and the digest of no bytes at all.
    private static final String SHA256_OF_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final String SHA256_OF_NOTHING = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void computesTheStandardSha256InLowercaseHex() throws IOException {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);

        assertEquals(SHA256_OF_ABC, Digests.sha256(abc));
        assertEquals(SHA256_OF_ABC, Digests.sha256(new ByteArrayInputStream(abc)));
        assertEquals(SHA256_OF_NOTHING, Digests.sha256(new byte[0]));
    }

    @Test
    void copiesEveryByteAndDigestsWhatItCopiedWithoutClosingTheSource() throws IOException {
        // Several times the JDK's transfer buffer, so that the digest must cover more than one chunk.
        byte[] content = new byte[100_000];
        new Random(7).nextBytes(content);
        CloseRecordingStream source = new CloseRecordingStream(content);
        ByteArrayOutputStream target = new ByteArrayOutputStream();

        String sha256 = Digests.copyWithSha256(source, target);

        assertArrayEquals(content, target.toByteArray());
        assertEquals(Digests.sha256(content), sha256);
        assertEquals(-1, source.read(), "the source is read to its end");
        assertFalse(source.closed, "the caller owns the source and closes it");
    }

    @Test
    void acceptsOnlyTheDigestsThisStoreWrites() {
        assertTrue(Digests.isSha256(SHA256_OF_ABC));
        assertDoesNotThrow(() -> Digests.requireSha256(SHA256_OF_ABC));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0",
            "ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"})
    void refusesAnExpectedDigestThatCouldNeverMatch(String sha256) {
        assertFalse(Digests.isSha256(sha256));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Digests.requireSha256(sha256));
        assertEquals("expected sha256 '" + sha256 + "' is not 64 lowercase hex digits", e.getMessage());
    }

    @Test
    void aDifferentDigestOfTheBytesReadIsAMismatchThatNamesBoth() {
        ObjectKey key = ObjectKey.checkpoint("run-1", 2);
        assertDoesNotThrow(() -> Digests.requireMatch(key, "collapse", SHA256_OF_ABC, SHA256_OF_ABC));

        DigestMismatchException e = assertThrows(DigestMismatchException.class,
                () -> Digests.requireMatch(key, "collapse", SHA256_OF_ABC, SHA256_OF_NOTHING));

        assertEquals(key, e.key());
        assertEquals(SHA256_OF_ABC, e.expectedSha256());
        assertEquals(SHA256_OF_NOTHING, e.actualSha256());
        assertTrue(e.getMessage().startsWith(key.toUri("collapse") + " has sha256 " + SHA256_OF_NOTHING + " but "
                + SHA256_OF_ABC + " was expected"), e.getMessage());
    }

    private static final class CloseRecordingStream extends FilterInputStream {

        private boolean closed;

        CloseRecordingStream(byte[] content) {
            super(new ByteArrayInputStream(content));
        }

        @Override
        public void close() throws IOException {
            closed = true;
            super.close();
        }
    }
}
