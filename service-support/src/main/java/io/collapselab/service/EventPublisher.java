package io.collapselab.service;

import io.collapselab.events.CollapseEvent;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.kafka.EventRecords;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Publishes events and dead letters and returns once the broker has acknowledged them (acks=all on an idempotent
 * producer, see the channel's configuration).
 *
 * <p>One outgoing channel serves every topic: each record is built by {@link EventRecords}, which picks the topic
 * from the event type, keys it by run id and sets the CloudEvents headers, and the Kafka connector sends a
 * {@link ProducerRecord} payload as it is. A channel per topic would only repeat that mapping in configuration.
 */
@ApplicationScoped
public class EventPublisher {

    public static final String CHANNEL = "collapse-events";

    private final MutinyEmitter<ProducerRecord<String, byte[]>> emitter;

    EventPublisher(@Channel(CHANNEL) MutinyEmitter<ProducerRecord<String, byte[]>> emitter) {
        this.emitter = emitter;
    }

    /**
     * @throws IllegalArgumentException when the event is invalid (nothing is sent then)
     * @throws PublishException when the broker did not take it
     */
    public void publish(CollapseEvent event) {
        send(EventRecords.toRecord(event));
    }

    /** @throws PublishException when the broker did not take it */
    public void publish(DeadLetter deadLetter) {
        send(EventRecords.toRecord(deadLetter));
    }

    private void send(ProducerRecord<String, byte[]> record) {
        try {
            emitter.sendAndAwait(record);
        } catch (RuntimeException e) {
            throw new PublishException("publishing to " + record.topic() + " (key " + record.key() + ") failed: "
                    + e.getMessage(), e);
        }
    }
}
