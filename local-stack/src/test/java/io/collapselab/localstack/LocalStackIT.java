package io.collapselab.localstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The extension-managed stack against real clients: topics as specified, records and objects round-trip. */
class LocalStackIT {

    private static final String AUDIT_TOPIC = "it.audit";
    private static final String WORK_TOPIC = "it.work";

    @RegisterExtension
    static LocalStackExtension extension = LocalStackExtension.withTopics(List.of(
            new TopicSpec(AUDIT_TOPIC, 3, Map.of("retention.ms", "-1")),
            TopicSpec.of(WORK_TOPIC, 2)));

    private final LocalStack stack;

    LocalStackIT(LocalStack stack) {
        this.stack = stack;
    }

    @Test
    void createsTopicsWithTheirPartitionsAndConfigs() throws Exception {
        try (Admin admin = admin(stack)) {
            Map<String, TopicDescription> topics =
                    admin.describeTopics(List.of(AUDIT_TOPIC, WORK_TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS);
            assertEquals(3, topics.get(AUDIT_TOPIC).partitions().size());
            assertEquals(2, topics.get(WORK_TOPIC).partitions().size());

            ConfigResource audit = new ConfigResource(ConfigResource.Type.TOPIC, AUDIT_TOPIC);
            ConfigResource work = new ConfigResource(ConfigResource.Type.TOPIC, WORK_TOPIC);
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(List.of(audit, work)).all().get(30, TimeUnit.SECONDS);
            assertEquals("-1", configs.get(audit).get("retention.ms").value());
            // The broker default (7 days) shows that the audit topic's -1 really came from its TopicSpec.
            assertEquals("604800000", configs.get(work).get("retention.ms").value());
        }
    }

    @Test
    void producedRecordsAreConsumedInOrderPerKey() throws Exception {
        List<String> values = List.of("gen-0", "gen-1", "gen-2");
        KafkaClients.produce(stack, WORK_TOPIC, "run-a", values);
        assertEquals(values, KafkaClients.consumeValues(stack, WORK_TOPIC, "round-trip", values.size()));
    }

    @Test
    void s3AcceptsItsCredentialsAndRejectsOthers() throws Exception {
        byte[] content = ("object " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        try (MinioClient s3 = s3Client(stack, stack.s3SecretKey())) {
            assertTrue(s3.bucketExists(BucketExistsArgs.builder().bucket(stack.bucket()).build()));
            s3.putObject(PutObjectArgs.builder().bucket(stack.bucket()).object("it/object.bin")
                    .stream(new ByteArrayInputStream(content), (long) content.length, -1L).build());
            try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(stack.bucket())
                    .object("it/object.bin").build())) {
                assertArrayEquals(content, in.readAllBytes());
            }
            assertArrayEquals(content, Files.readAllBytes(stack.s3DataDir().resolve(stack.bucket())
                    .resolve("it/object.bin")), "the filesystem backend keeps each object as <bucket>/<key>");
        }
        try (MinioClient wrongSecret = s3Client(stack, "not-" + stack.s3SecretKey())) {
            ErrorResponseException e = assertThrows(ErrorResponseException.class, () -> wrongSecret.getObject(
                    GetObjectArgs.builder().bucket(stack.bucket()).object("it/object.bin").build()).close());
            assertEquals(403, e.response().code());
        }
    }

    @Test
    void keepsTheSecretInAnOwnerOnlyStateFile() throws Exception {
        String state = Files.readString(stack.stateFile());
        assertTrue(state.contains(stack.s3SecretKey()));
        assertEquals(40, stack.s3SecretKey().length());
        if (Files.getFileStore(stack.stateFile()).supportsFileAttributeView("posix")) {
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(stack.stateFile()));
        }
        assertFalse(stack.toString().contains(stack.s3SecretKey()), "toString must not reveal the secret");
    }

    @Test
    void keepsTheKafkaPasswordsInAnOwnerOnlyFile() throws Exception {
        assertTrue(Files.readString(stack.kafkaCredentialsFile()).contains("admin.password="));
        if (Files.getFileStore(stack.kafkaCredentialsFile()).supportsFileAttributeView("posix")) {
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(stack.kafkaCredentialsFile()));
        }
    }

    @Test
    void refusesASecondStackOnTheSameDataDirectory(LocalStack running) {
        LocalStackException e = assertThrows(LocalStackException.class,
                () -> LocalStack.builder().dataDir(running.dataDir()).start().close());
        assertTrue(e.getMessage().contains("in use by another running local stack"), e.getMessage());
    }

    @Test
    void refusesAPortThatIsTakenWithoutStartingAnything(@TempDir Path otherDir) throws Exception {
        int kafkaPort = Integer.parseInt(stack.bootstrapServers().substring(stack.bootstrapServers().indexOf(':') + 1));
        LocalStackException e = assertThrows(LocalStackException.class,
                () -> LocalStack.builder().dataDir(otherDir).kafkaPort(kafkaPort).start().close());
        assertTrue(e.getMessage().contains("port " + kafkaPort + " for Kafka is already in use"), e.getMessage());
        assertFalse(Files.exists(otherDir.resolve("kafka")), "nothing may be formatted before the ports are checked");
    }

    static Admin admin(LocalStack stack) {
        return Admin.create(stack.kafkaClientConfig(LocalStack.ADMIN_USER));
    }

    static MinioClient s3Client(LocalStack stack, String secretKey) {
        return MinioClient.builder().endpoint(stack.s3Endpoint()).region(stack.s3Region())
                .credentials(stack.s3AccessKey(), secretKey).build();
    }
}
