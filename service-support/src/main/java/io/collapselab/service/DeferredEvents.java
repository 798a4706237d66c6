package io.collapselab.service;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Events set aside because their run is not known yet, so that they do not hold their channel: every other run's
 * events flow meanwhile. The deferred events of a run on a channel are retried in the order they arrived, every
 * {@code collapse.deferred-retry-interval}, on threads of their own (a retry may turn into hours of work); a
 * message is acknowledged once its retry has handled or refused it, so its offset is never committed before.
 * Bounded by {@code collapse.max-deferred-events}, so that a flood of events for runs nobody requested cannot
 * exhaust the memory.
 */
final class DeferredEvents implements AutoCloseable {

    /** One more attempt at a deferred event; false while it is still to be deferred. */
    @FunctionalInterface
    interface Attempt {
        boolean handled() throws InterruptedException;
    }

    private record Deferred(Message<?> message, Attempt attempt) {
    }

    /** The events of one run on one channel, which keep their order among themselves. */
    private record Waiting(String channel, String runId) {
    }

    private static final Logger LOG = Logger.getLogger(DeferredEvents.class);

    private final int capacity;
    // Guarded by this: the deferred events of each channel and run in arrival order, and those being retried now.
    private final Map<Waiting, Queue<Deferred>> queues = new LinkedHashMap<>();
    private final Set<Waiting> retrying = new HashSet<>();
    private int size;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
            daemon("deferred-events-tick"));
    private final ExecutorService retries = Executors.newCachedThreadPool(daemon("deferred-events-retry"));

    DeferredEvents(int capacity, Duration retryInterval) {
        if (capacity < 1) {
            throw new IllegalArgumentException("collapse.max-deferred-events must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        long interval = retryInterval.toMillis();
        ticks.scheduleWithFixedDelay(this::retryWaitingRuns, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** Whether events of {@code runId} from {@code channel} wait here: a later one must wait behind them. */
    synchronized boolean isWaiting(String channel, String runId) {
        return queues.containsKey(new Waiting(channel, runId));
    }

    /** Sets the message aside to be retried by {@code attempt}; false, taking nothing, when the deferral is full. */
    synchronized boolean defer(String channel, String runId, Message<?> message, Attempt attempt) {
        if (size >= capacity) {
            return false;
        }
        queues.computeIfAbsent(new Waiting(channel, runId), id -> new ArrayDeque<>())
                .add(new Deferred(message, attempt));
        size++;
        return true;
    }

    private synchronized void retryWaitingRuns() {
        for (Waiting waiting : List.copyOf(queues.keySet())) {
            if (retrying.add(waiting)) {
                retries.execute(() -> retry(waiting));
            }
        }
    }

    /** Retries the deferred events in order, up to the first still to be deferred. */
    private void retry(Waiting waiting) {
        try {
            while (true) {
                Deferred head = head(waiting);
                if (head == null || !head.attempt().handled()) {
                    return;
                }
                remove(waiting);
                head.message().ack();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            // As on the channel itself: the failure strategy marks the service unhealthy, to be restarted.
            LOG.errorf(e, "Retrying a deferred event of run %s from %s failed", waiting.runId(), waiting.channel());
            Deferred head = head(waiting);
            if (head != null) {
                remove(waiting);
                head.message().nack(e);
            }
        } finally {
            synchronized (this) {
                retrying.remove(waiting);
            }
        }
    }

    private synchronized Deferred head(Waiting waiting) {
        Queue<Deferred> queue = queues.get(waiting);
        return queue == null ? null : queue.peek();
    }

    private synchronized void remove(Waiting waiting) {
        Queue<Deferred> queue = queues.get(waiting);
        queue.remove();
        size--;
        if (queue.isEmpty()) {
            queues.remove(waiting);
        }
    }

    /** Stops retrying; what is still deferred is not acknowledged, so it is consumed again after a restart. */
    @Override
    public void close() {
        ticks.shutdownNow();
        retries.shutdownNow();
    }

    private static ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
