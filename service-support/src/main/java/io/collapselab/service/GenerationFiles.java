package io.collapselab.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectConflictException;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.json.EventJson;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Small JSON files kept next to a generation's artifacts ({@code runs/<runId>/gen-NNNN/<name>.json}): the events
 * services publish (see {@link ObjectOutbox}) and partial results. Like every object they are written once: the
 * first writer wins and a later writer gets the winner's content back, so replicas that race on the same work
 * agree on one result.
 */
@ApplicationScoped
public class GenerationFiles {

    private static final ObjectMapper JSON = EventJson.newObjectMapper();

    private final ArtifactStore store;

    GenerationFiles(ArtifactStore store) {
        this.store = store;
    }

    public Optional<byte[]> read(String runId, int generation, String name) {
        ObjectKey key = ObjectKey.generationFile(runId, generation, name);
        // The file's own stored digest is all there is to check it against; no event names these files.
        return store.stat(key).map(stored -> store.get(key, stored.sha256()));
    }

    /** Writes the file unless it exists; returns the content stored under its name afterwards. */
    public byte[] writeOnce(String runId, int generation, String name, byte[] content) {
        try {
            store.put(ObjectKey.generationFile(runId, generation, name), content);
            return content;
        } catch (ObjectConflictException e) {
            return read(runId, generation, name).orElseThrow(() -> e);
        }
    }

    /** An event recorded by {@link ObjectOutbox}. */
    public Optional<CollapseEvent> readEvent(String runId, int generation, String name) {
        return read(runId, generation, name).map(EventJson::readEvent);
    }

    public <T> Optional<T> readJson(String runId, int generation, String name, Class<T> type) {
        return read(runId, generation, name).map(bytes -> fromJson(bytes, type, name));
    }

    /** {@link #writeOnce} for a JSON value; returns the value stored under its name afterwards. */
    public <T> T writeJsonOnce(String runId, int generation, String name, T value, Class<T> type) {
        try {
            return fromJson(writeOnce(runId, generation, name, JSON.writeValueAsBytes(value)), type, name);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + type.getSimpleName() + " as JSON", e);
        }
    }

    private static <T> T fromJson(byte[] bytes, Class<T> type, String name) {
        try {
            return JSON.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException("generation file " + name + " is not a " + type.getSimpleName(), e);
        }
    }
}
