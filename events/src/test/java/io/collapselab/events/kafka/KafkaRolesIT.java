package io.collapselab.events.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.collapselab.localstack.KafkaUserSpec;
import io.collapselab.localstack.LocalStack;
import io.collapselab.localstack.LocalStackExtension;
import io.collapselab.localstack.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The role table granted by the real broker: each role can do its own job, and nothing of another's. */
class KafkaRolesIT {

    @RegisterExtension
    static LocalStackExtension extension = LocalStackExtension.withTopics(Topics.ALL.stream()
                    .map(topic -> new TopicSpec(topic.name(), topic.partitions(), topic.configs()))
                    .toList())
            .withKafkaUsers(Arrays.stream(KafkaRole.values())
                    .map(r -> new KafkaUserSpec(r.user(), r.writes(), r.reads(), r.groupPrefixes()))
                    .toList());

    private final LocalStack stack;

    KafkaRolesIT(LocalStack stack) {
        this.stack = stack;
    }

    @Test
    void eachRoleWritesItsTopicsAndReadsThemBackInItsGroup() throws Exception {
        for (KafkaRole role : KafkaRole.values()) {
            for (String topic : role.writes()) {
                send(role, topic, "written by " + role.user());
            }
        }
        for (KafkaRole role : List.of(KafkaRole.TRAINER, KafkaRole.GENERATOR, KafkaRole.EVALUATOR)) {
            String group = role.groupPrefixes().iterator().next() + "-it";
            List<String> values = consume(role, group, role.reads());
            for (String topic : role.reads()) {
                for (KafkaRole writer : KafkaRole.values()) {
                    if (writer.writes().contains(topic)) {
                        assertEquals(true, values.contains("written by " + writer.user()),
                                role + " reads what " + writer + " wrote to " + topic + ": " + values);
                    }
                }
            }
        }
    }

    @Test
    void theGeneratorCannotPublishACheckpoint() {
        assertRefused(TopicAuthorizationException.class, KafkaRole.GENERATOR, Topics.CHECKPOINTS);
    }

    @Test
    void theAuditorCannotProduceAnywhere() {
        for (String topic : List.of(Topics.RUNS, Topics.CHECKPOINTS, Topics.CORPORA, Topics.EVALUATIONS,
                Topics.DEAD_LETTER)) {
            // It may write nowhere, so its producer is refused before it names a topic.
            assertRefused(ClusterAuthorizationException.class, KafkaRole.AUDITOR, topic);
        }
    }

    @Test
    void theSubmitterWritesOnlyRuns() {
        for (String topic : List.of(Topics.CHECKPOINTS, Topics.CORPORA, Topics.EVALUATIONS, Topics.DEAD_LETTER)) {
            assertRefused(TopicAuthorizationException.class, KafkaRole.SUBMITTER, topic);
        }
    }

    /**
     * The producer reports a refusal through the send's future, or, once it has failed for good (as a producer
     * refused its producer id has), from {@code send} itself wrapped in a {@code KafkaException}.
     */
    private void assertRefused(Class<? extends AuthorizationException> refusal, KafkaRole role, String topic) {
        Exception e = assertThrows(Exception.class, () -> send(role, topic, "forged"), role + " on " + topic);
        Throwable cause = e;
        while (cause != null && !refusal.isInstance(cause)) {
            cause = cause.getCause();
        }
        assertInstanceOf(refusal, cause, role + " on " + topic + ": " + e);
    }

    @Test
    void aClientWithoutCredentialsCannotSignIn() {
        Map<String, Object> anonymous = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(anonymous, new StringSerializer(), new ByteArraySerializer())) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> producer.send(
                    new ProducerRecord<>(Topics.RUNS, "run", new byte[1])).get(30, TimeUnit.SECONDS));
            assertEquals("TimeoutException", e.getCause().getClass().getSimpleName(),
                    "a client that does not speak SASL never gets the topic's metadata: " + e);
        }
    }

    private void send(KafkaRole role, String topic, String value) throws Exception {
        Map<String, Object> config = new HashMap<>(stack.kafkaClientConfig(role.user()));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "run-roles", value.getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private List<String> consume(KafkaRole role, String group, Set<String> topics) {
        Map<String, Object> config = new HashMap<>(stack.kafkaClientConfig(role.user()));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        int expected = (int) Arrays.stream(KafkaRole.values())
                .flatMap(writer -> writer.writes().stream()).filter(topics::contains).count();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.copyOf(topics));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(new String(record.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }
}
