package io.collapselab.localstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka clients configured the way the services configure theirs (idempotent, acks=all, manual commits). */
final class KafkaClients {

    private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(60);

    private KafkaClients() {
    }

    static void produce(String bootstrapServers, String topic, String key, List<String> values) throws Exception {
        produce(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, key, values);
    }

    /** As {@link #produce(String, String, String, List)}, signed in with {@code client}'s settings. */
    static void produce(Map<String, Object> client, String topic, String key, List<String> values) throws Exception {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    static void produce(LocalStack stack, String topic, String key, List<String> values) throws Exception {
        produce(stack.kafkaClientConfig(LocalStack.ADMIN_USER), topic, key, values);
    }

    /**
     * Consumes {@code count} records as consumer group {@code group}, starting at the group's committed offsets
     * (or the beginning), and commits what it read.
     */
    static List<String> consumeValues(String bootstrapServers, String topic, String group, int count) {
        return consumeValues(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, group, count);
    }

    /** As {@link #consumeValues(String, String, String, int)}, signed in with {@code client}'s settings. */
    static List<String> consumeValues(Map<String, Object> client, String topic, String group, int count) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, count);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + CONSUME_TIMEOUT.toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
            consumer.commitSync();
        }
        return values;
    }

    static List<String> consumeValues(LocalStack stack, String topic, String group, int count) {
        return consumeValues(stack.kafkaClientConfig(LocalStack.ADMIN_USER), topic, group, count);
    }
}
