package io.collapselab.service;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the events this process has handled most recently, so that a redelivered one (after a rebalance, or
 * when offsets were not yet committed) is dropped without touching S3. Bounded: the oldest ids are forgotten
 * first. It is only a shortcut; what makes handlers idempotent across restarts is the object outbox.
 */
public final class ProcessedEvents {

    private final Map<String, Boolean> ids;

    public ProcessedEvents(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("collapse.processed-events-capacity must be at least 1, was "
                    + capacity);
        }
        // Access order: an id seen again moves to the young end and survives longer.
        this.ids = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized boolean contains(String eventId) {
        return ids.get(eventId) != null;
    }

    public synchronized void add(String eventId) {
        ids.put(eventId, Boolean.TRUE);
    }
}
