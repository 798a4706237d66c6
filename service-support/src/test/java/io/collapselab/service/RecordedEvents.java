package io.collapselab.service;

import io.collapselab.events.CollapseEvent;
import io.collapselab.events.json.EventJson;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Generation files kept in memory, for unit tests of what checks events against the records services keep: a test
 * records the events a service would have recorded with {@link #record}.
 */
final class RecordedEvents extends GenerationFiles {

    private final Map<String, byte[]> files = new HashMap<>();

    RecordedEvents() {
        super(null);
    }

    /** Records {@code event} under {@code name} in its generation, as the object outbox does before publishing. */
    <E extends CollapseEvent> E record(String name, E event) {
        files.put(key(event.runId(), event.generation(), name), EventJson.toBytes(event));
        return event;
    }

    @Override
    public synchronized Optional<byte[]> read(String runId, int generation, String name) {
        return Optional.ofNullable(files.get(key(runId, generation, name))).map(byte[]::clone);
    }

    @Override
    public synchronized byte[] writeOnce(String runId, int generation, String name, byte[] content) {
        return files.computeIfAbsent(key(runId, generation, name), k -> content.clone()).clone();
    }

    private static String key(String runId, int generation, String name) {
        return runId + "/" + generation + "/" + name;
    }
}
