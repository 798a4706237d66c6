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
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The SCRAM-SHA-512 passwords of a data directory's broker, kept in {@value #FILE_NAME} with owner-only
 * permissions: the {@value #ADMIN} super user's (the broker's own identity and the stack's administration) and one
 * per client user. They live apart from {@link StackState} because the broker's log holds the admin's credential
 * from the day it was formatted: losing the ports must not lose the way in.
 */
final class KafkaCredentials {

    static final String FILE_NAME = "kafka-credentials.properties";
    static final String ADMIN = "admin";
    static final String MECHANISM = ScramLogin.MECHANISM;

    private static final String KEY_SUFFIX = ".password";
    private static final int PASSWORD_LENGTH = 32;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final Map<String, String> passwords;

    private KafkaCredentials(Map<String, String> passwords) {
        this.passwords = Map.copyOf(passwords);
    }

    static Path file(Path dataDir) {
        return dataDir.resolve(FILE_NAME);
    }

    /**
     * The stored passwords, with fresh ones for {@code users} (and the admin) that have none yet, stored again if
     * anything was added. A broker formatted with an admin password that is no longer known cannot be entered.
     *
     * @throws LocalStackException when {@code brokerFormatted} but the admin's password is gone
     */
    static KafkaCredentials loadOrCreate(Path dataDir, Collection<String> users, boolean brokerFormatted)
            throws IOException {
        KafkaCredentials stored = load(dataDir).orElse(null);
        Map<String, String> passwords = new HashMap<>(stored == null ? Map.of() : stored.passwords);
        if (brokerFormatted && !passwords.containsKey(ADMIN)) {
            throw new LocalStackException("the broker in " + dataDir.resolve("kafka") + " was formatted with an"
                    + " admin password that " + file(dataDir) + " no longer holds (or the directory predates"
                    + " authenticated Kafka): restore that file from a backup, or delete the whole data directory"
                    + " to start over with empty topics and bucket");
        }
        passwords.computeIfAbsent(ADMIN, user -> StackState.randomString(ALPHABET, PASSWORD_LENGTH));
        for (String user : users) {
            passwords.computeIfAbsent(user, u -> StackState.randomString(ALPHABET, PASSWORD_LENGTH));
        }
        KafkaCredentials credentials = new KafkaCredentials(passwords);
        if (stored == null || !stored.passwords.equals(credentials.passwords)) {
            credentials.store(dataDir);
        }
        return credentials;
    }

    /** Empty when the data directory has no credentials file. */
    static Optional<KafkaCredentials> load(Path dataDir) throws IOException {
        Path file = file(dataDir);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("cannot read " + file + " (" + e.getClass().getSimpleName() + "): only the user"
                    + " who started the stack may read it", e);
        }
        Map<String, String> passwords = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.endsWith(KEY_SUFFIX) && !p.getProperty(key).isBlank()) {
                passwords.put(key.substring(0, key.length() - KEY_SUFFIX.length()), p.getProperty(key).trim());
            }
        }
        return Optional.of(new KafkaCredentials(passwords));
    }

    String password(String user) {
        String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("the local stack has no Kafka user '" + user + "'; its users are "
                    + new TreeMap<>(passwords).keySet());
        }
        return password;
    }

    /** The client settings that sign {@code user} in over SASL/SCRAM on {@code bootstrapServers}. */
    Map<String, Object> clientConfig(String bootstrapServers, String user) {
        return ScramLogin.clientConfig(bootstrapServers, ScramLogin.PLAINTEXT_PROTOCOL, user, password(user));
    }

    /** Written atomically and owner-only, like the state file. */
    private void store(Path dataDir) throws IOException {
        Properties p = new Properties();
        passwords.forEach((user, password) -> p.setProperty(user + KEY_SUFFIX, password));
        Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(out, "collapse-lab local stack: keep private, it holds the Kafka users' passwords");
        }
        Files.move(tmp, file(dataDir), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Never shows a password. */
    @Override
    public String toString() {
        return "KafkaCredentials[users=" + new TreeMap<>(passwords).keySet() + "]";
    }
}
