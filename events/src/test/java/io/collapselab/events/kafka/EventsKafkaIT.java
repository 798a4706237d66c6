package io.collapselab.events.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.events.CollapseEvent;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.EventIds;
import io.collapselab.events.Fixtures;
import io.collapselab.events.json.EventJson;
import io.collapselab.localstack.LocalStack;
import io.collapselab.localstack.LocalStackExtension;
import io.collapselab.localstack.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events through the real embedded broker of the local stack. Tests share the topics, so each reads back exactly
 * the partitions and offsets its own sends were acknowledged at.
 */
class EventsKafkaIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static LocalStackExtension extension = LocalStackExtension.withTopics(Topics.ALL.stream()
            .map(topic -> new TopicSpec(topic.name(), topic.partitions(), topic.configs()))
            .toList());

    private final LocalStack stack;

    EventsKafkaIT(LocalStack stack) {
        this.stack = stack;
    }

    @Test
    void theBrokerAcceptsEveryTopicDefinition() throws Exception {
        Properties properties = new Properties();
        properties.putAll(stack.kafkaClientConfig(LocalStack.ADMIN_USER));
        List<String> names = Topics.ALL.stream().map(TopicDefinition::name).toList();
        try (Admin admin = Admin.create(properties)) {
            Map<String, TopicDescription> described =
                    admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                    .toList()).all().get(30, TimeUnit.SECONDS);

            for (TopicDefinition topic : Topics.ALL) {
                assertEquals(topic.partitions(), described.get(topic.name()).partitions().size(), topic.name());
                Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
                topic.configs().forEach((name, value) ->
                        assertEquals(value, config.get(name).value(), topic.name() + " " + name));
            }
        }
    }

    @Test
    void everyEventTypeRoundTripsWithItsKeyAndHeaders() throws Exception {
        List<CollapseEvent> events = Fixtures.allEvents();
        List<RecordMetadata> sent = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = producer(new ByteArraySerializer())) {
            for (CollapseEvent event : events) {
                sent.add(producer.send(EventRecords.toRecord(event)).get(30, TimeUnit.SECONDS));
            }
        }

        List<ConsumerRecord<String, DecodedEvent>> received = readBack(sent, new EventDeserializer());

        for (int i = 0; i < events.size(); i++) {
            CollapseEvent event = events.get(i);
            ConsumerRecord<String, DecodedEvent> record = received.get(i);
            assertEquals(Topics.topicFor(event), record.topic());
            assertEquals(event.runId(), record.key());
            assertEquals(new DecodedEvent.Valid(event), record.value());
            assertEquals(EventRecordsTest.headerMap(EventRecords.toRecord(event).headers()),
                    EventRecordsTest.headerMap(record.headers()));
        }
    }

    @Test
    void theSerializerSetsTheHeadersAndTheRecordReadsBack() throws Exception {
        List<CollapseEvent> events = Fixtures.allEvents();
        List<RecordMetadata> sent = new ArrayList<>();
        try (KafkaProducer<String, CollapseEvent> producer = producer(new EventSerializer())) {
            for (CollapseEvent event : events) {
                ProducerRecord<String, CollapseEvent> record =
                        new ProducerRecord<>(Topics.topicFor(event), event.runId(), event);
                sent.add(producer.send(record).get(30, TimeUnit.SECONDS));
            }
        }

        List<ConsumerRecord<String, byte[]>> received = readBack(sent, new ByteArrayDeserializer());

        for (int i = 0; i < events.size(); i++) {
            CollapseEvent event = events.get(i);
            ConsumerRecord<String, byte[]> record = received.get(i);
            assertEquals(new DecodedEvent.Valid(event), EventRecords.decode(record));
            Map<String, String> headers = EventRecordsTest.headerMap(record.headers());
            assertEquals(event.eventId(), headers.get(CloudEventHeaders.ID));
            assertEquals(CloudEventHeaders.type(event.type(), CollapseEvent.CURRENT_SCHEMA_VERSION),
                    headers.get(CloudEventHeaders.TYPE));
            assertEquals(event.runId(), headers.get(CloudEventHeaders.SUBJECT));
        }
    }

    @Test
    void aMalformedRecordIsReportedAsInvalidAndTheConsumerGoesOn() throws Exception {
        byte[] garbage = "{\"type\":\"RunRequested\",".getBytes(StandardCharsets.UTF_8);
        List<RecordMetadata> sent = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = producer(new ByteArraySerializer())) {
            sent.add(producer.send(EventRecords.toRecord(Fixtures.runRequested())).get(30, TimeUnit.SECONDS));
            sent.add(producer.send(new ProducerRecord<>(Topics.RUNS, Fixtures.RUN_ID, garbage))
                    .get(30, TimeUnit.SECONDS));
            sent.add(producer.send(new ProducerRecord<>(Topics.RUNS, Fixtures.RUN_ID, null))
                    .get(30, TimeUnit.SECONDS));
            sent.add(producer.send(EventRecords.toRecord(Fixtures.runCompleted())).get(30, TimeUnit.SECONDS));
        }
        assertEquals(1, sent.stream().map(RecordMetadata::partition).distinct().count(),
                "one key, one partition: the records must be read in the order they were sent");

        List<ConsumerRecord<String, DecodedEvent>> received = readBack(sent, new EventDeserializer());

        assertEquals(new DecodedEvent.Valid(Fixtures.runRequested()), EventRecords.checked(received.get(0)));
        DecodedEvent.Invalid malformed =
                assertInstanceOf(DecodedEvent.Invalid.class, EventRecords.checked(received.get(1)));
        assertTrue(malformed.reason().startsWith("not valid JSON: "), malformed.reason());
        assertArrayEquals(garbage, malformed.originalBytes());
        // Kafka skips the deserializer for a record without value; checked() is what turns it into Invalid.
        assertNull(received.get(2).value());
        assertEquals(new DecodedEvent.Invalid("record has no value", null), EventRecords.checked(received.get(2)));
        assertEquals(new DecodedEvent.Valid(Fixtures.runCompleted()), EventRecords.checked(received.get(3)));
    }

    @Test
    void aRefusedRecordTravelsToTheDeadLetterTopicWithItsOriginalBytes() throws Exception {
        byte[] garbage = "not an event".getBytes(StandardCharsets.UTF_8);
        RecordMetadata refused;
        try (KafkaProducer<String, byte[]> producer = producer(new ByteArraySerializer())) {
            refused = producer.send(new ProducerRecord<>(Topics.CORPORA, Fixtures.RUN_ID, garbage))
                    .get(30, TimeUnit.SECONDS);
        }
        ConsumerRecord<String, byte[]> consumed = readBack(List.of(refused), new ByteArrayDeserializer()).get(0);
        DecodedEvent.Invalid invalid = assertInstanceOf(DecodedEvent.Invalid.class, EventRecords.decode(consumed));
        DeadLetter deadLetter = EventRecords.deadLetter(consumed, invalid.reason(), Fixtures.TRAINER,
                Instant.parse("2024-05-01T12:00:05Z"));

        RecordMetadata published;
        try (KafkaProducer<String, byte[]> producer = producer(new ByteArraySerializer())) {
            published = producer.send(EventRecords.toRecord(deadLetter)).get(30, TimeUnit.SECONDS);
        }
        ConsumerRecord<String, byte[]> letter = readBack(List.of(published), new ByteArrayDeserializer()).get(0);

        DeadLetter read = EventJson.readDeadLetter(letter.value());
        assertEquals(deadLetter, read);
        assertArrayEquals(garbage, read.originalValue());
        assertEquals(Topics.CORPORA, read.sourceTopic());
        assertEquals(refused.partition(), read.sourcePartition());
        assertEquals(refused.offset(), read.sourceOffset());
        assertEquals(Fixtures.RUN_ID, letter.key());
        assertEquals(EventIds.deadLetterId(deadLetter),
                EventRecordsTest.headerMap(letter.headers()).get(CloudEventHeaders.ID));
    }

    private <V> KafkaProducer<String, V> producer(Serializer<V> valueSerializer) {
        Properties properties = new Properties();
        properties.putAll(stack.kafkaClientConfig(LocalStack.ADMIN_USER));
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(properties, new StringSerializer(), valueSerializer);
    }

    /**
     * The records at exactly the acknowledged positions, in the order given. The consumer is assigned the
     * partitions directly (no group) and starts at the first position sent to each.
     */
    private <V> List<ConsumerRecord<String, V>> readBack(List<RecordMetadata> sent, Deserializer<V> deserializer) {
        Properties properties = new Properties();
        properties.putAll(stack.kafkaClientConfig(LocalStack.ADMIN_USER));
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<TopicPartition, Long> firstOffsets = sent.stream().collect(Collectors.toMap(
                metadata -> new TopicPartition(metadata.topic(), metadata.partition()), RecordMetadata::offset,
                Math::min));
        Map<String, ConsumerRecord<String, V>> byPosition = new HashMap<>();
        try (KafkaConsumer<String, V> consumer =
                     new KafkaConsumer<>(properties, new StringDeserializer(), deserializer)) {
            consumer.assign(firstOffsets.keySet());
            firstOffsets.forEach(consumer::seek);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (byPosition.size() < sent.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(500))) {
                    String position = position(record.topic(), record.partition(), record.offset());
                    if (sent.stream().anyMatch(metadata ->
                            position(metadata.topic(), metadata.partition(), metadata.offset()).equals(position))) {
                        byPosition.put(position, record);
                    }
                }
            }
        }
        List<ConsumerRecord<String, V>> ordered = new ArrayList<>();
        for (RecordMetadata metadata : sent) {
            ConsumerRecord<String, V> record =
                    byPosition.get(position(metadata.topic(), metadata.partition(), metadata.offset()));
            assertTrue(record != null, "no record read back at " + metadata + " within " + TIMEOUT);
            ordered.add(record);
        }
        return ordered;
    }

    private static String position(String topic, int partition, long offset) {
        return topic + "/" + partition + "@" + offset;
    }
}
