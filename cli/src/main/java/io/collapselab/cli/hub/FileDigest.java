package io.collapselab.cli.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The digest the hub announces for a file, and how to compute it: the SHA-256 of the content for LFS files
 * ({@code X-Linked-Etag}), the git blob id for the others ({@code ETag}: SHA-1 of {@code "blob <length>\0"} and
 * the content).
 */
record FileDigest(Algorithm algorithm, String hex) {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHA1_HEX = Pattern.compile("[0-9a-f]{40}");
    private static final int BUFFER_BYTES = 1 << 20;

    enum Algorithm {
        SHA256("SHA-256"),
        GIT_BLOB_SHA1("git blob SHA-1");

        private final String label;

        Algorithm(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /** The value of an ETag header without the {@code W/} prefix and the quotes around it. */
    static String unquote(String etag) {
        String value = etag.strip();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        return value;
    }

    /** The SHA-256 an LFS file's {@code X-Linked-Etag} announces, when it holds one. */
    static Optional<FileDigest> ofLinkedEtag(String etag) {
        String value = etag.toLowerCase(Locale.ROOT);
        return SHA256_HEX.matcher(value).matches() ? Optional.of(new FileDigest(Algorithm.SHA256, value))
                : Optional.empty();
    }

    /** What a plain {@code ETag} announces: a git blob id, or a SHA-256; empty for an opaque tag. */
    static Optional<FileDigest> ofEtag(String etag) {
        String value = etag.toLowerCase(Locale.ROOT);
        if (SHA1_HEX.matcher(value).matches()) {
            return Optional.of(new FileDigest(Algorithm.GIT_BLOB_SHA1, value));
        }
        return ofLinkedEtag(value);
    }

    /** This digest's algorithm over the content of {@code file}, as lower-case hex. */
    String hexOf(Path file) throws IOException {
        MessageDigest digest = newDigest(algorithm == Algorithm.SHA256 ? "SHA-256" : "SHA-1");
        if (algorithm == Algorithm.GIT_BLOB_SHA1) {
            digest.update(("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII));
        }
        byte[] buffer = new byte[BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newDigest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks " + name, e);
        }
    }
}
