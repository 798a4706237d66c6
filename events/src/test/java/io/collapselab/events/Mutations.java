package io.collapselab.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collapselab.events.json.EventJson;

/**
 * Copies of records with one field changed, by way of their JSON tree: records have no withers, and spelling out
 * a constructor call per test case would bury what each case changes.
 */
public final class Mutations {

    private static final ObjectMapper MAPPER = EventJson.newObjectMapper();

    private Mutations() {
    }

    /**
     * {@code event} with the field at the dotted {@code path} set to {@code value}. Unless the path is the event id
     * itself, the id is re-derived, so that a case tests its one rule and not also the id check.
     */
    public static CollapseEvent with(CollapseEvent event, String path, Object value) {
        ObjectNode tree = (ObjectNode) MAPPER.valueToTree(event);
        set(tree, path, value);
        if (!path.equals("eventId")) {
            tree.put("eventId", EventIds.eventId(tree.get("runId").asText(), event.type(),
                    tree.get("generation").asInt()));
        }
        return convert(tree, CollapseEvent.class);
    }

    /** {@code value} (any record) with the field at the dotted {@code path} set to {@code newValue}. */
    public static <T> T with(T value, Class<T> type, String path, Object newValue) {
        ObjectNode tree = (ObjectNode) MAPPER.valueToTree(value);
        set(tree, path, newValue);
        return convert(tree, type);
    }

    private static void set(ObjectNode tree, String path, Object value) {
        String[] names = path.split("\\.");
        ObjectNode parent = tree;
        for (int i = 0; i < names.length - 1; i++) {
            parent = (ObjectNode) parent.get(names[i]);
        }
        JsonNode node = MAPPER.valueToTree(value);
        parent.set(names[names.length - 1], node);
    }

    private static <T> T convert(JsonNode tree, Class<T> type) {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (Exception e) {
            throw new IllegalArgumentException("mutation does not fit " + type.getSimpleName(), e);
        }
    }
}
