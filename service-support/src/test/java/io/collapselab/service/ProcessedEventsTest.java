package io.collapselab.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessedEventsTest {

    @Test
    void remembersAddedIds() {
        ProcessedEvents processed = new ProcessedEvents(10);
        processed.add("a");
        assertTrue(processed.contains("a"));
        assertFalse(processed.contains("b"));
    }

    @Test
    void forgetsTheLeastRecentlySeenIdBeyondItsCapacity() {
        ProcessedEvents processed = new ProcessedEvents(2);
        processed.add("a");
        processed.add("b");
        assertTrue(processed.contains("a"), "seeing a again makes b the oldest");
        processed.add("c");
        assertTrue(processed.contains("a"));
        assertFalse(processed.contains("b"));
        assertTrue(processed.contains("c"));
    }

    @Test
    void needsRoomForAtLeastOneId() {
        assertThrows(IllegalArgumentException.class, () -> new ProcessedEvents(0));
    }
}
