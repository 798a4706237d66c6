package io.collapselab.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import io.minio.Checksum;

/**
 * The digests of stored content: the SHA-256 that identifies an object (lowercase hex, in its metadata and in the
 * events that name it), checked on every read, and the checksum the server verifies each upload against.
 */
final class Digests {

    /**
     * The checksum the server verifies each upload against. The SDK's default, CRC32C, is computed in plain Java
     * byte by byte (about as long as the upload itself for a checkpoint); CRC32 uses the JDK's intrinsic. What
     * identifies an object is still its SHA-256, checked on every read.
     */
    static final Checksum.Algorithm UPLOAD_CHECKSUM = Checksum.Algorithm.CRC32;

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private Digests() {
    }

    static String sha256(byte[] content) {
        return HexFormat.of().formatHex(newSha256().digest(content));
    }

    /** Reads the stream to its end; the caller closes it. */
    static String sha256(InputStream in) throws IOException {
        return copyWithSha256(in, OutputStream.nullOutputStream());
    }

    /** Copies {@code in} to its end into {@code out} and returns the SHA-256 of what it copied; closes neither. */
    static String copyWithSha256(InputStream in, OutputStream out) throws IOException {
        DigestInputStream digesting = new DigestInputStream(in, newSha256());
        digesting.transferTo(out);
        return HexFormat.of().formatHex(digesting.getMessageDigest().digest());
    }

    /** A SHA-256 computation, for content that passes through a stream of the caller's. */
    static MessageDigest sha256Digest() {
        return newSha256();
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Whether {@code sha256} has the form this store writes: 64 lowercase hex digits (null has not). */
    static boolean isSha256(String sha256) {
        return sha256 != null && SHA256_HEX.matcher(sha256).matches();
    }

    /** Refuses a digest a caller expects before anything is read: a malformed one could never match. */
    static void requireSha256(String sha256) {
        if (!isSha256(sha256)) {
            throw new IllegalArgumentException("expected sha256 '" + sha256 + "' is not 64 lowercase hex digits");
        }
    }

    /**
     * Checks the digest of the bytes actually read for {@code key} against the one the caller expects.
     *
     * @throws DigestMismatchException if they differ
     */
    static void requireMatch(ObjectKey key, String bucket, String expectedSha256, String actualSha256) {
        if (!actualSha256.equals(expectedSha256)) {
            throw new DigestMismatchException(key, bucket, expectedSha256, actualSha256);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
