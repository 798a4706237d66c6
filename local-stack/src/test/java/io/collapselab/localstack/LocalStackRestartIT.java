package io.collapselab.localstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second start on the same data directory must look, to every client, like the first one never stopped. */
class LocalStackRestartIT {

    private static final String TOPIC = "it.restart";
    private static final String GROUP = "restart-group";
    private static final String USER = "writer";
    private static final String OBJECT_KEY = "runs/restart/gen-0000/checkpoint.bin";

    @TempDir
    Path dataDir;

    @Test
    void keepsTopicsRecordsCommittedOffsetsObjectsPortsAndCredentials() throws Exception {
        byte[] object = "weights before restart".getBytes(StandardCharsets.UTF_8);
        String bootstrapServers;
        String s3Endpoint;
        String accessKey;
        String secretKey;
        String writerPassword;
        try (LocalStack first = start(List.of(new TopicSpec(TOPIC, 2, Map.of("retention.ms", "-1"))),
                List.of(new KafkaUserSpec(USER, Set.of(TOPIC), Set.of(), Set.of())))) {
            writerPassword = first.kafkaPassword(USER);
            KafkaClients.produce(first.kafkaClientConfig(USER), TOPIC, "run-1", List.of("by the user"));
            bootstrapServers = first.bootstrapServers();
            s3Endpoint = first.s3Endpoint();
            accessKey = first.s3AccessKey();
            secretKey = first.s3SecretKey();
            KafkaClients.produce(first, TOPIC, "run-1", List.of("a", "b", "c"));
            assertEquals(List.of("by the user", "a", "b", "c"), KafkaClients.consumeValues(first, TOPIC, GROUP, 4));
            try (MinioClient s3 = LocalStackIT.s3Client(first, first.s3SecretKey())) {
                s3.putObject(PutObjectArgs.builder().bucket(first.bucket()).object(OBJECT_KEY)
                        .stream(new ByteArrayInputStream(object), (long) object.length, -1L).build());
            }
        }

        // Asking for more partitions and other configs must not touch the existing topic; a user keeps its password
        // and has the ACLs of its new spec only.
        try (LocalStack second = start(List.of(new TopicSpec(TOPIC, 4, Map.of("retention.ms", "1000"))),
                List.of(new KafkaUserSpec(USER, Set.of(), Set.of(TOPIC), Set.of(USER))))) {
            assertEquals(writerPassword, second.kafkaPassword(USER));
            assertThrows(Exception.class, () -> KafkaClients.produce(second.kafkaClientConfig(USER), TOPIC, "run-1",
                    List.of("no longer allowed")), "the write ACL of the first start is gone");
            assertEquals(List.of("by the user"), KafkaClients.consumeValues(second.kafkaClientConfig(USER), TOPIC,
                    USER + "-group", 1), "the user signs in with its old password and reads as its new spec says");
            assertEquals(bootstrapServers, second.bootstrapServers(), "clients keep their bootstrap servers");
            assertEquals(s3Endpoint, second.s3Endpoint());
            assertEquals(accessKey, second.s3AccessKey());
            assertEquals(secretKey, second.s3SecretKey());

            try (Admin admin = LocalStackIT.admin(second)) {
                assertEquals(2, admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(TOPIC).partitions().size());
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
                Map<ConfigResource, Config> configs =
                        admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS);
                assertEquals("-1", configs.get(resource).get("retention.ms").value());
            }

            KafkaClients.produce(second, TOPIC, "run-1", List.of("d", "e"));
            assertEquals(List.of("d", "e"), KafkaClients.consumeValues(second, TOPIC, GROUP, 2),
                    "the group resumes after its offsets committed before the restart");
            assertEquals(List.of("by the user", "a", "b", "c", "d", "e"),
                    KafkaClients.consumeValues(second, TOPIC, "new-group", 6),
                    "records written before the restart are still in the log");

            try (MinioClient s3 = LocalStackIT.s3Client(second, second.s3SecretKey());
                 InputStream in = s3.getObject(GetObjectArgs.builder().bucket(second.bucket())
                         .object(OBJECT_KEY).build())) {
                assertArrayEquals(object, in.readAllBytes());
            }
        }
    }

    @Test
    void recoversTheClusterIdWhenTheStateFileIsLost() throws Exception {
        try (LocalStack first = start(List.of(TopicSpec.of(TOPIC, 1)))) {
            KafkaClients.produce(first, TOPIC, "run-1", List.of("kept"));
        }
        Files.delete(dataDir.resolve(StackState.FILE_NAME));

        try (LocalStack second = start(List.of())) {
            assertEquals(List.of("kept"), KafkaClients.consumeValues(second, TOPIC, GROUP, 1));
        }
    }

    private LocalStack start(List<TopicSpec> topics) {
        return start(topics, List.of());
    }

    private LocalStack start(List<TopicSpec> topics, List<KafkaUserSpec> users) {
        return LocalStack.builder().dataDir(dataDir).topics(topics).kafkaUsers(users).start();
    }
}
