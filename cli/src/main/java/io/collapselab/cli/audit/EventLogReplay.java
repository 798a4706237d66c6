package io.collapselab.cli.audit;

import io.collapselab.events.CollapseEvent;
import io.collapselab.events.json.EventJson;
import io.collapselab.cli.runs.KafkaClientConfig;
import io.collapselab.events.kafka.TopicDefinition;
import io.collapselab.events.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads every record of one run from all five topics, dead letters included, as raw bytes, so that records that
 * are not valid events are kept for the audit to report rather than thrown.
 *
 * <p>The consumer has no group id and is assigned all partitions by hand: it never joins a consumer group, so it
 * can neither take partitions from the services' groups nor move their committed offsets. It reads from the
 * beginning up to the end offsets taken at the start, so the replay ends even while services keep publishing.
 *
 * <p>A record belongs to the run when its key is the run id. Records under another key whose event names the run
 * are kept too, since a wrongly keyed event is exactly what an audit must find; only values that mention the run
 * id at all are parsed to find them.
 */
final class EventLogReplay {

    /** Every topic, in the order records are returned: {@code collapse.runs} (with the run's config) first. */
    static final List<String> TOPICS = Topics.ALL.stream().map(TopicDefinition::name).toList();

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final Comparator<ConsumerRecord<String, byte[]>> LOG_ORDER =
            Comparator.<ConsumerRecord<String, byte[]>>comparingInt(record -> TOPICS.indexOf(record.topic()))
                    .thenComparingInt(ConsumerRecord::partition)
                    .thenComparingLong(ConsumerRecord::offset);

    private final Map<String, Object> kafkaClient;
    private final String bootstrapServers;
    private final Duration stallTimeout;

    /**
     * @param stallTimeout how long the replay may go without receiving a record while it has not reached the end
     *                     offsets; a large log takes as long as it takes, a stuck broker does not
     */
    EventLogReplay(Map<String, Object> kafkaClient, Duration stallTimeout) {
        this.kafkaClient = Map.copyOf(kafkaClient);
        this.bootstrapServers = KafkaClientConfig.bootstrapServers(kafkaClient);
        this.stallTimeout = stallTimeout;
    }

    /**
     * The run's records in log order: by topic (in {@link #TOPICS} order), partition and offset.
     *
     * @throws AuditException when the log cannot be read or a topic does not exist
     */
    List<ConsumerRecord<String, byte[]>> read(String runId) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClientConfig.with(kafkaClient, Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "collapse-audit-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // An audit reads; a mistyped address or topic must fail, not create topics.
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, stallTimeout);
            byte[] quotedRunId = ("\"" + runId + "\"").getBytes(StandardCharsets.UTF_8);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long lastProgress = System.nanoTime();
            while (!reached(consumer, end)) {
                ConsumerRecords<String, byte[]> batch = consumer.poll(POLL_INTERVAL);
                if (!batch.isEmpty()) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
                    throw new AuditException("reading the event log at " + bootstrapServers + " stalled: no record"
                            + " arrived for " + stallTimeout.toSeconds() + " s before the end offsets " + end
                            + " were reached; check the brokers' health and try again");
                }
                for (ConsumerRecord<String, byte[]> record : batch) {
                    if (belongsToRun(record, runId, quotedRunId)) {
                        records.add(record);
                    }
                }
            }
            records.sort(LOG_ORDER);
            return records;
        } catch (KafkaException e) {
            throw new AuditException("could not read the event log at " + bootstrapServers + ": " + e.getMessage()
                    + "; check that the brokers are reachable and try again", e);
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : TOPICS) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, stallTimeout);
            if (infos == null || infos.isEmpty()) {
                throw new AuditException("topic " + topic + " does not exist at " + bootstrapServers + "; is this"
                        + " the collapse-lab cluster, and have its topics been created?");
            }
            infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        }
        return partitions;
    }

    private boolean reached(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey(), stallTimeout) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static boolean belongsToRun(ConsumerRecord<String, byte[]> record, String runId, byte[] quotedRunId) {
        if (runId.equals(record.key())) {
            return true;
        }
        // Dead letters carry the original value in base64, so only their key can tie them to the run.
        if (record.topic().equals(Topics.DEAD_LETTER) || record.value() == null
                || !contains(record.value(), quotedRunId)) {
            return false;
        }
        try {
            CollapseEvent event = EventJson.readEvent(record.value());
            return runId.equals(event.runId());
        } catch (RuntimeException e) {
            // Not an event (MalformedEventException, or whatever else a hostile value provokes): under another
            // run's key it is that run's problem, not this one's.
            return false;
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
