package io.collapselab.service;

import io.collapselab.service.testing.PublishedRecords;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.reactive.messaging.MutinyEmitter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The publisher's emitter in a test without a broker: every record is acknowledged at once and kept. The
 * publisher sends only with {@link #sendAndAwait}; the other ways to send are refused, so that a publisher
 * changed to use one fails here instead of losing its records.
 */
final class RecordingEmitter implements MutinyEmitter<ProducerRecord<String, byte[]>> {

    private final List<ProducerRecord<String, byte[]>> sent = new CopyOnWriteArrayList<>();
    private volatile RuntimeException refusal;

    /** What was sent so far. */
    PublishedRecords published() {
        return new PublishedRecords(sent);
    }

    /** Makes every send fail with {@code failure} from now on, as a broker refusing records; null to accept again. */
    void refuseWith(RuntimeException failure) {
        refusal = failure;
    }

    @Override
    public void sendAndAwait(ProducerRecord<String, byte[]> record) {
        RuntimeException failure = refusal;
        if (failure != null) {
            throw failure;
        }
        sent.add(record);
    }

    @Override
    public Uni<Void> send(ProducerRecord<String, byte[]> record) {
        throw notSendAndAwait();
    }

    @Override
    public Cancellable sendAndForget(ProducerRecord<String, byte[]> record) {
        throw notSendAndAwait();
    }

    @Override
    public <M extends Message<? extends ProducerRecord<String, byte[]>>> void send(M message) {
        throw notSendAndAwait();
    }

    @Override
    public <M extends Message<? extends ProducerRecord<String, byte[]>>> Uni<Void> sendMessage(M message) {
        throw notSendAndAwait();
    }

    @Override
    public <M extends Message<? extends ProducerRecord<String, byte[]>>> void sendMessageAndAwait(M message) {
        throw notSendAndAwait();
    }

    @Override
    public <M extends Message<? extends ProducerRecord<String, byte[]>>> Cancellable sendMessageAndForget(
            M message) {
        throw notSendAndAwait();
    }

    @Override
    public void complete() {
        throw notSendAndAwait();
    }

    @Override
    public void error(Exception e) {
        throw notSendAndAwait();
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public boolean hasRequests() {
        return true;
    }

    private static UnsupportedOperationException notSendAndAwait() {
        return new UnsupportedOperationException("this emitter only keeps records sent with sendAndAwait, the one"
                + " call EventPublisher makes");
    }
}
