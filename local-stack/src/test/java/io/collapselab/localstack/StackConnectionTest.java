package io.collapselab.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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

        StackConnection connection = StackConnection.of(dataDir, "experiments").orElseThrow();

        assertEquals(new StackConnection("127.0.0.1:19092", "http://127.0.0.1:19000", stored.s3AccessKey(),
                stored.s3SecretKey(), "experiments", "us-east-1"), connection);
        assertFalse(connection.toString().contains(stored.s3SecretKey()), connection.toString());
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
