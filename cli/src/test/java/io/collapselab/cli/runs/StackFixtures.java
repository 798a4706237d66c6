package io.collapselab.cli.runs;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.S3Settings;
import io.collapselab.cli.local.StackMain;
import io.collapselab.events.kafka.KafkaRole;
import io.collapselab.events.kafka.Topics;
import io.collapselab.localstack.LocalStack;
import io.collapselab.localstack.LocalStackExtension;
import io.collapselab.localstack.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The local stack with the system's topics, and plain clients to look at it independently of the code tested. */
final class StackFixtures {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private StackFixtures() {
    }

    static LocalStackExtension stackWithTopics() {
        return LocalStackExtension.withTopics(Topics.ALL.stream()
                .map(topic -> new TopicSpec(topic.name(), topic.partitions(), topic.configs()))
                .toList()).withKafkaUsers(StackMain.kafkaUsers());
    }

    /** Client settings of the stack's user for {@code role}. */
    static Map<String, Object> kafka(LocalStack stack, KafkaRole role) {
        return stack.kafkaClientConfig(role.user());
    }

    /** Client settings of the stack's admin, for tests that stand in for services or inspect the broker. */
    static Map<String, Object> admin(LocalStack stack) {
        return stack.kafkaClientConfig(LocalStack.ADMIN_USER);
    }

    static ArtifactStore store(LocalStack stack) {
        return new ArtifactStore(new S3Settings(stack.s3Endpoint(), stack.s3AccessKey(), stack.s3SecretKey(),
                stack.bucket(), stack.s3Region()));
    }

    /** Every record of {@code topic} keyed {@code key}, read with a plain consumer from the start to the end. */
    static List<ConsumerRecord<String, byte[]>> recordsKeyed(LocalStack stack, String topic, String key) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClientConfig.with(admin(stack),
                Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end " + end + " within " + TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (key.equals(record.key())) {
                        records.add(record);
                    }
                });
            }
            return records;
        }
    }

    static String describe(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> r.topic() + "-" + r.partition() + "@" + r.offset())
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
