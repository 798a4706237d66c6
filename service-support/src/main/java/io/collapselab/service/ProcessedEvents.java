package io.collapselab.service;

import io.collapselab.events.CollapseEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The events this process has handled most recently, by event id, so that a redelivered copy (after a rebalance,
 * or when offsets were not yet committed) is recognised without touching S3, and a copy under the same id with
 * other content is told from it. Bounded: the oldest are forgotten first. It is only a shortcut; what makes
 * handlers idempotent across restarts is the object outbox, and what tells a forged copy after a restart is the
 * {@linkplain RecordedLineage recorded lineage}.
 */
public final class ProcessedEvents {

    private final Map<String, CollapseEvent> events;

    public ProcessedEvents(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("collapse.processed-events-capacity must be at least 1, was "
                    + capacity);
        }
        // Access order: an event seen again moves to the young end and survives longer.
        this.events = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CollapseEvent> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The event handled under {@code eventId}, if it is still remembered. */
    public synchronized Optional<CollapseEvent> handled(String eventId) {
        return Optional.ofNullable(events.get(eventId));
    }

    public synchronized void add(CollapseEvent event) {
        events.putIfAbsent(event.eventId(), event);
    }
}
