package io.collapselab.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.events.RunCompleted;
import io.collapselab.service.testing.TestRuns;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcessedEventsTest {

    @Test
    void remembersTheFirstEventHandledUnderAnId() {
        ProcessedEvents processed = new ProcessedEvents(10);
        RunCompleted first = completed("a", "first");
        processed.add(first);
        processed.add(completed("a", "second"));

        assertEquals(Optional.of(first), processed.handled(first.eventId()));
        assertTrue(processed.handled(completed("b", "other").eventId()).isEmpty());
    }

    @Test
    void forgetsTheLeastRecentlySeenEventBeyondItsCapacity() {
        ProcessedEvents processed = new ProcessedEvents(2);
        RunCompleted a = completed("a", "");
        RunCompleted b = completed("b", "");
        RunCompleted c = completed("c", "");
        processed.add(a);
        processed.add(b);
        assertTrue(processed.handled(a.eventId()).isPresent(), "seeing a again makes b the oldest");
        processed.add(c);
        assertTrue(processed.handled(a.eventId()).isPresent());
        assertTrue(processed.handled(b.eventId()).isEmpty());
        assertTrue(processed.handled(c.eventId()).isPresent());
    }

    @Test
    void needsRoomForAtLeastOneEvent() {
        assertThrows(IllegalArgumentException.class, () -> new ProcessedEvents(0));
    }

    private static RunCompleted completed(String runId, String detail) {
        return RunCompleted.of(runId, 0, Instant.EPOCH, TestRuns.SUBMITTER, RunCompleted.Reason.FAILED, detail, null);
    }
}
