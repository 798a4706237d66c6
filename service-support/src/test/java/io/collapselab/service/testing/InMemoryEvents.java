package io.collapselab.service.testing;

import static org.awaitility.Awaitility.await;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.RunRequested;
import io.collapselab.events.kafka.EventRecords;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.service.EventPublisher;
import io.collapselab.service.RunRegistry;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * A service's channels on the in-memory connector, spoken in events: records go in as the Kafka connector would
 * hand them over ({@link ConsumedRecords}), and what the service publishes comes out as events and dead letters.
 */
public final class InMemoryEvents {

    /** Long enough for a tiny generation on a busy two-core machine, including the engine's first load. */
    public static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final InMemoryConnector connector;

    public InMemoryEvents(InMemoryConnector connector) {
        this.connector = connector;
    }

    /** Sends an event on its topic, keyed by its run id, with its CloudEvents headers, as a producer would. */
    public void send(String channel, CollapseEvent event) {
        connector.source(channel).send(ConsumedRecords.of(event));
    }

    /** Uploads a run's inputs as a submitter does and registers the run with the service; returns the request. */
    public RunRequested register(ArtifactStore store, String runId, ExperimentConfig config) {
        RunRequested request = TestRuns.request(store, runId, config);
        send(RunRegistry.CHANNEL, request);
        return request;
    }

    /** Sends any bytes, valid or not, as the value of a record on {@code topic}. */
    public void sendBytes(String channel, String topic, String key, byte[] value) {
        connector.source(channel).send(ConsumedRecords.ofBytes(topic, key, value));
    }

    /** Sends an event's JSON without the checks of {@link EventRecords#toRecord}: how an invalid event arrives. */
    public void sendUnchecked(String channel, CollapseEvent event) {
        connector.source(channel).send(ConsumedRecords.unchecked(event));
    }

    /** Forgets what the service has published so far. */
    public void clear() {
        sink().clear();
    }

    public List<CollapseEvent> published() {
        return sent().events();
    }

    public <E extends CollapseEvent> List<E> published(Class<E> type, String runId) {
        return sent().events(type, runId);
    }

    public List<DeadLetter> deadLetters() {
        return sent().deadLetters();
    }

    /** Waits for the event of {@code type} for this run and generation. */
    public <E extends CollapseEvent> E awaitPublished(Class<E> type, String runId, int generation) {
        return await().atMost(TIMEOUT).until(
                () -> published(type, runId).stream().filter(e -> e.generation() == generation).findFirst(),
                Optional::isPresent).orElseThrow();
    }

    /** Waits for the first dead letter whose original key is {@code key}. */
    public DeadLetter awaitDeadLetter(String key) {
        return await().atMost(TIMEOUT).until(() -> sent().deadLetter(key), Optional::isPresent).orElseThrow();
    }

    private PublishedRecords sent() {
        return new PublishedRecords(sink().received().stream().map(InMemoryEvents::record).toList());
    }

    private InMemorySink<ProducerRecord<String, byte[]>> sink() {
        return connector.sink(EventPublisher.CHANNEL);
    }

    @SuppressWarnings("unchecked")
    private static ProducerRecord<String, byte[]> record(Message<?> message) {
        return (ProducerRecord<String, byte[]>) message.getPayload();
    }
}
