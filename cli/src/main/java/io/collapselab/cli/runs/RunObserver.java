package io.collapselab.cli.runs;

import io.collapselab.events.kafka.DecodedEvent;
import io.collapselab.events.kafka.EventRecords;
import io.collapselab.events.kafka.Topics;
import io.collapselab.lm.loop.GenerationReport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads a run's events from the event log into a {@link RunLog}, once or until something happens (typically
 * {@code RunCompleted}).
 *
 * <p>The consumer has no group id and is assigned partitions by hand: it never joins a consumer group, so it can
 * neither take partitions away from the services' groups nor move their committed offsets, and any number of
 * observers can read at once. Each call reads every partition of the run topics from the beginning and keeps the
 * records keyed by the run id; this costs a pass over the whole log, but depends on nothing but the key, not on
 * how producers map keys to partitions. Only committed records are read, should a producer ever use transactions.
 *
 * <p>Not thread-safe (it owns one Kafka consumer); close it to release the consumer.
 */
public final class RunObserver implements AutoCloseable {

    /** The topics a run's events are published on; dead letters are records refused, not events of the run. */
    public static final List<String> TOPICS =
            List.of(Topics.RUNS, Topics.CHECKPOINTS, Topics.CORPORA, Topics.EVALUATIONS);

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private final String bootstrapServers;
    private final KafkaConsumer<String, byte[]> consumer;

    /** @param kafkaClient where the brokers are and how to sign in ({@link KafkaClientConfig}) */
    public RunObserver(Map<String, Object> kafkaClient) {
        this.bootstrapServers = KafkaClientConfig.bootstrapServers(kafkaClient);
        this.consumer = new KafkaConsumer<>(KafkaClientConfig.with(kafkaClient, Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "collapse-run-observer-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // Reading must never create a topic: a mistyped cluster address should fail, not grow topics.
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Everything the log holds about the run at the time of the call. */
    public RunLog read(String runId, Duration timeout) {
        return await(runId, "reading the event log to its end", log -> true, timeout, RunListener.NONE);
    }

    /**
     * Reads until the run is over and every event of its generations has been read ({@link RunLog#isComplete}).
     *
     * @throws RunTimeoutException when that does not happen within {@code timeout}
     */
    public RunLog awaitCompletion(String runId, Duration timeout, RunListener listener) {
        return await(runId, "completion of run " + runId, RunLog::isComplete, timeout, listener);
    }

    /**
     * Reads the run's events, telling {@code listener} as they come, until {@code condition} holds, then on to
     * the end of the log as it was at that moment, so that the result also holds everything published before.
     *
     * @param awaited what the condition means, for the timeout message
     * @throws RunTimeoutException when the condition does not hold within {@code timeout}
     * @throws RunObservationException when Kafka cannot be read or a run topic does not exist
     */
    public RunLog await(String runId, String awaited, Predicate<RunLog> condition, Duration timeout,
                        RunListener listener) {
        return awaitRuns(Set.of(runId), awaited, logs -> condition.test(logs.get(runId)), timeout,
                id -> listener).get(runId);
    }

    /** Every run the log holds, by run id, as the log stood at the time of the call. */
    public Map<String, RunLog> readAll(Duration timeout) {
        return awaitRuns(null, "reading the event log to its end", logs -> true, timeout, id -> RunListener.NONE);
    }

    /**
     * Reads until every one of {@code runIds} is complete ({@link RunLog#isComplete}), telling each run's listener
     * as its events come.
     *
     * @throws RunTimeoutException when that does not happen within {@code timeout}
     */
    public Map<String, RunLog> awaitCompletion(Collection<String> runIds, Duration timeout,
                                               Function<String, RunListener> listeners) {
        return awaitRuns(Set.copyOf(runIds), "completion of runs " + String.join(", ", runIds),
                logs -> logs.values().stream().allMatch(RunLog::isComplete), timeout, listeners);
    }

    /**
     * Reads the events of {@code runIds} (every run when null) until {@code condition} holds over their logs, then
     * on to the end of the log as it was at that moment.
     */
    private Map<String, RunLog> awaitRuns(Set<String> runIds, String awaited,
                                          Predicate<Map<String, RunLog>> condition, Duration timeout,
                                          Function<String, RunListener> listeners) {
        Map<String, Reading> readings = new TreeMap<>();
        if (runIds != null) {
            runIds.forEach(id -> readings.put(id, new Reading(new RunLog(id), listeners.apply(id))));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            List<TopicPartition> partitions = assignFromStart(deadline);
            Map<TopicPartition, Long> end = null;
            while (true) {
                Map<String, RunLog> logs = logs(readings);
                if (end == null && condition.test(logs)) {
                    end = consumer.endOffsets(partitions, remaining(deadline));
                }
                if (end != null && reached(end, deadline)) {
                    return logs;
                }
                Duration left = remaining(deadline);
                if (left.isZero()) {
                    RunLog first = logs.isEmpty() ? new RunLog("none") : logs.values().iterator().next();
                    throw new RunTimeoutException(awaited, timeout, first);
                }
                for (ConsumerRecord<String, byte[]> record
                        : consumer.poll(left.compareTo(POLL_INTERVAL) < 0 ? left : POLL_INTERVAL)) {
                    String key = record.key();
                    // A record whose key is no run id belongs to no run (the services dead-letter it); the log
                    // keeps it forever, so it must not break every later listing.
                    if (!RunIds.isValid(key) || (runIds != null && !runIds.contains(key))) {
                        continue;
                    }
                    readings.computeIfAbsent(key, id -> new Reading(new RunLog(id), listeners.apply(id)))
                            .add(record);
                }
                readings.values().forEach(Reading::reportGenerations);
            }
        } catch (KafkaException e) {
            throw new RunObservationException("could not read the events of " + (runIds == null ? "the runs"
                    : "run " + String.join(", ", runIds)) + " from Kafka at " + bootstrapServers + ": " + e
                    + "; check that the broker is reachable", e);
        }
    }

    private static Map<String, RunLog> logs(Map<String, Reading> readings) {
        Map<String, RunLog> logs = new LinkedHashMap<>();
        readings.forEach((id, reading) -> logs.put(id, reading.log));
        return logs;
    }

    private List<TopicPartition> assignFromStart(long deadline) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : TOPICS) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, remaining(deadline));
            if (infos == null || infos.isEmpty()) {
                throw new RunObservationException("topic " + topic + " does not exist at " + bootstrapServers
                        + "; is this the collapse-lab cluster, and have its topics been created?", null);
            }
            infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    private boolean reached(Map<TopicPartition, Long> end, long deadline) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey(), remaining(deadline)) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    @Override
    public void close() {
        consumer.close();
    }

    /** One call's state: the log being built and how far the listener has been told. */
    private static final class Reading {

        final RunLog log;
        final RunListener listener;
        int nextReport;

        Reading(RunLog log, RunListener listener) {
            this.log = log;
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        void add(ConsumerRecord<String, byte[]> record) {
            DecodedEvent decoded = EventRecords.decode(record);
            RecordLocation location = RecordLocation.of(record);
            if (decoded instanceof DecodedEvent.Valid valid) {
                if (log.add(new RunLog.Entry(location, valid.event())) instanceof RunLog.Addition.NewEvent) {
                    listener.onEvent(valid.event());
                }
            } else if (decoded instanceof DecodedEvent.Invalid invalid) {
                log.addInvalid(location, invalid.reason());
            }
        }

        void reportGenerations() {
            for (Optional<GenerationReport> report = log.report(nextReport); report.isPresent();
                 report = log.report(nextReport)) {
                listener.onGeneration(report.get());
                nextReport++;
            }
        }
    }
}
