package io.collapselab.events.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collapselab.events.CollapseEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * How two copies of one event (the same event id) compare. Delivery is at least once, so the log may hold an event
 * more than once: a service that restarts re-emits what it had not yet committed. Such a copy may differ from the
 * first in when, and by which instance, it was sent; any other difference means the two are not the same event.
 * The services dedupe what they consume by this rule, the CLI's views and the audit read the log by it.
 */
public final class EventCopies {

    private static final List<String> EMISSION_FIELDS = List.of("occurredAt", "producer");
    private static final ObjectMapper MAPPER = EventJson.newObjectMapper();

    private EventCopies() {
    }

    /**
     * The fields in which {@code copy} differs from {@code first}, apart from when and by whom they were sent, each
     * as {@code path (first value vs this value)}; empty for a faithful re-emission.
     */
    public static List<String> differences(CollapseEvent first, CollapseEvent copy) {
        List<String> differences = new ArrayList<>();
        diff("", comparable(first), comparable(copy), differences);
        return differences;
    }

    private static void diff(String path, JsonNode first, JsonNode copy, List<String> differences) {
        if (first != null && copy != null && first.isObject() && copy.isObject()) {
            for (Iterator<String> names = first.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                diff(path.isEmpty() ? name : path + "." + name, first.get(name), copy.get(name), differences);
            }
            for (Iterator<String> names = copy.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!first.has(name)) {
                    diff(path.isEmpty() ? name : path + "." + name, null, copy.get(name), differences);
                }
            }
        } else if (!Objects.equals(first, copy)) {
            differences.add(path + " (" + first + " vs " + copy + ")");
        }
    }

    // The event as published, so that the differences name the fields and values a consumer reads.
    private static ObjectNode comparable(CollapseEvent event) {
        try {
            ObjectNode tree = (ObjectNode) MAPPER.readTree(EventJson.toBytes(event));
            tree.remove(EMISSION_FIELDS);
            return tree;
        } catch (IOException e) {
            throw new UncheckedIOException("an event written by EventJson must read back as JSON", e);
        }
    }
}
