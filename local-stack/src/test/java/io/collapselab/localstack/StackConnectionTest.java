package io.collapselab.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a stack's connection from its data directory, as a process other than the stack's own does. */
class StackConnectionTest {

    private static final String SECRET = "s3cr3t-never-shown";

    @TempDir
    Path dataDir;

    @Test
    void aDataDirectoryNeverStartedHasNoConnection() throws IOException {
        assertEquals(Optional.empty(), StackConnection.of(dataDir, "collapse"));
    }

    @Test
    void theConnectionIsWhatTheStackStored() throws IOException {
        StackState stored = StackState.fresh("cluster-1", 19092, 19093, 19000);
        stored.store(dataDir);
        KafkaCredentials kafka = KafkaCredentials.loadOrCreate(dataDir, List.of("auditor"), false);

        StackConnection connection = StackConnection.of(dataDir, "experiments").orElseThrow();

        assertEquals(List.of("127.0.0.1:19092", "http://127.0.0.1:19000", stored.s3AccessKey(),
                stored.s3SecretKey(), "experiments", "us-east-1"), List.of(connection.bootstrapServers(),
                connection.s3Endpoint(), connection.s3AccessKey(), connection.s3SecretKey(), connection.bucket(),
                connection.s3Region()));
        Map<String, Object> auditor = connection.kafkaClientConfig("auditor");
        assertEquals("127.0.0.1:19092", auditor.get("bootstrap.servers"));
        assertEquals("SASL_PLAINTEXT", auditor.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", auditor.get("sasl.mechanism"));
        assertTrue(auditor.get("sasl.jaas.config").toString().contains("username=\"auditor\" password=\""
                + kafka.password("auditor") + "\""), "the auditor's own password");
        assertFalse(connection.toString().contains(stored.s3SecretKey()), connection.toString());
        assertFalse(connection.toString().contains(kafka.password("auditor")), connection.toString());
    }

    @Test
    void passwordsAreRandomPerDataDirectoryKeptAcrossLoadsAndOwnerOnly(@TempDir Path otherDir) throws IOException {
        KafkaCredentials first = KafkaCredentials.loadOrCreate(dataDir, List.of("trainer"), false);
        KafkaCredentials again = KafkaCredentials.loadOrCreate(dataDir, List.of("trainer", "auditor"), true);
        KafkaCredentials other = KafkaCredentials.loadOrCreate(otherDir, List.of("trainer"), false);

        assertEquals(first.password("trainer"), again.password("trainer"));
        assertEquals(first.password(KafkaCredentials.ADMIN), again.password(KafkaCredentials.ADMIN));
        assertNotEquals(first.password("trainer"), other.password("trainer"));
        assertNotEquals(first.password("trainer"), again.password("auditor"));
        assertEquals(32, again.password("auditor").length());
        if (Files.getFileStore(dataDir).supportsFileAttributeView("posix")) {
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(KafkaCredentials.file(dataDir)));
        }
    }

    @Test
    void aFormattedBrokerWhoseAdminPasswordIsLostIsRefusedWithWhatToDo() {
        LocalStackException e = assertThrows(LocalStackException.class,
                () -> KafkaCredentials.loadOrCreate(dataDir, List.of(), true));
        assertTrue(e.getMessage().contains("restore that file from a backup, or delete the whole data directory"),
                e.getMessage());
    }

    @Test
    void aStateFileWithoutAKeyIsNamedWithTheKeyAndWhatToDo() throws IOException {
        Files.writeString(dataDir.resolve("local-stack.properties"), String.join("\n",
                "cluster.id=abc", "kafka.port=19092", "kafka.controller.port=19093", "s3.access-key=KEY",
                "s3.secret-key=" + SECRET));

        IOException e = assertThrows(IOException.class, () -> StackConnection.of(dataDir, "collapse"));

        assertEquals(dataDir.resolve("local-stack.properties") + " lacks 's3.port'; restore it from a backup, or"
                + " delete the whole data directory to start over with empty topics and bucket", e.getMessage());
    }

    @Test
    void anUnreadableStateFileIsAnIoErrorThatSaysWhatToDo() throws IOException {
        Files.writeString(dataDir.resolve("local-stack.properties"), "cluster.id=\\u12\ns3.secret-key=" + SECRET);

        IOException e = assertThrows(IOException.class, () -> StackConnection.of(dataDir, "collapse"));

        assertTrue(e.getMessage().startsWith("cannot read " + dataDir.resolve("local-stack.properties")
                + " (IllegalArgumentException)"), e.getMessage());
        assertTrue(e.getMessage().endsWith("if it is damaged, restore it from a backup, or delete the whole data"
                + " directory to start over with empty topics and bucket"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }
}
