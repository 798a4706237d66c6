package io.collapselab.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Properties;

/**
 * What a data directory must remember between starts so that clients keep working across a restart: the KRaft
 * cluster id the log directory was formatted with, the ports clients were given, and the S3 credentials.
 * Stored as {@value #FILE_NAME} with owner-only permissions because it holds the S3 secret key.
 */
record StackState(String clusterId, int kafkaPort, int controllerPort, int s3Port, String s3AccessKey,
                  String s3SecretKey) {

    static final String FILE_NAME = "local-stack.properties";

    private static final String KEY_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String SECRET_ALPHABET = KEY_ID_ALPHABET + "abcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** What to do about a state file that is damaged: its cluster id and credentials cannot be made up again. */
    private static final String RECOVERY = "restore it from a backup, or delete the whole data directory to start"
            + " over with empty topics and bucket";

    /** Fresh credentials in the shape AWS uses (20-character key id, 40-character secret), minus '/' and '+'. */
    static StackState fresh(String clusterId, int kafkaPort, int controllerPort, int s3Port) {
        return new StackState(clusterId, kafkaPort, controllerPort, s3Port,
                randomString(KEY_ID_ALPHABET, 20), randomString(SECRET_ALPHABET, 40));
    }

    StackState withPorts(int kafkaPort, int controllerPort, int s3Port) {
        return new StackState(clusterId, kafkaPort, controllerPort, s3Port, s3AccessKey, s3SecretKey);
    }

    static Path file(Path dataDir) {
        return dataDir.resolve(FILE_NAME);
    }

    /**
     * Returns null when the data directory has never been started.
     *
     * @throws IOException whose message names the file, what is wrong with it and what to do
     */
    static StackState load(Path dataDir) throws IOException {
        Path file = file(dataDir);
        if (!Files.exists(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a malformed Unicode escape, which only a damaged file has
            throw new IOException("cannot read " + file + " (" + e.getClass().getSimpleName() + "): only the user"
                    + " who started the stack may read it; if it is damaged, " + RECOVERY, e);
        }
        try {
            return new StackState(required(p, file, "cluster.id"), port(p, file, "kafka.port"),
                    port(p, file, "kafka.controller.port"), port(p, file, "s3.port"),
                    required(p, file, "s3.access-key"), required(p, file, "s3.secret-key"));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Writes atomically so that a crash mid-write never leaves a data directory without its cluster id. */
    void store(Path dataDir) throws IOException {
        Properties p = new Properties();
        p.setProperty("cluster.id", clusterId);
        p.setProperty("kafka.port", Integer.toString(kafkaPort));
        p.setProperty("kafka.controller.port", Integer.toString(controllerPort));
        p.setProperty("s3.port", Integer.toString(s3Port));
        p.setProperty("s3.access-key", s3AccessKey);
        p.setProperty("s3.secret-key", s3SecretKey);
        Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(out, "collapse-lab local stack: keep private, it holds the S3 secret key");
        }
        Files.move(tmp, file(dataDir), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public String toString() {
        return "StackState[clusterId=" + clusterId + ", kafkaPort=" + kafkaPort + ", controllerPort="
                + controllerPort + ", s3Port=" + s3Port + ", s3AccessKey=" + s3AccessKey + ", s3SecretKey=****]";
    }

    private static String required(Properties p, Path file, String key) {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(file + " lacks '" + key + "'; " + RECOVERY);
        }
        return value.trim();
    }

    private static int port(Properties p, Path file, String key) {
        String value = required(p, file, key);
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below with the offending value
        }
        throw new IllegalArgumentException(file + " has '" + key + "=" + value + "', which is not a port (1-65535); "
                + RECOVERY);
    }

    static String randomString(String alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
