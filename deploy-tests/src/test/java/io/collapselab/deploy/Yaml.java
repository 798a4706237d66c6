package io.collapselab.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * YAML documents as plain maps and lists, and small accessors for walking them. SnakeYAML resolves anchors and
 * merge keys ({@code <<: *x}) as Compose does, so a compose file reads here as Compose sees it.
 */
final class Yaml {

    private Yaml() {
    }

    /** Every non-empty document of a (possibly multi-document) YAML file; each must be a mapping. */
    static List<Map<String, Object>> documents(Path file) {
        return documents(Repository.read(file), Repository.relative(file));
    }

    /** Every non-empty document of {@code text}, read from {@code source} (named in messages). */
    static List<Map<String, Object>> documents(String text, String source) {
        LoaderOptions options = new LoaderOptions();
        // The operators' CRDs run to several hundred kilobytes.
        options.setCodePointLimit(16 * 1024 * 1024);
        org.yaml.snakeyaml.Yaml yaml = new org.yaml.snakeyaml.Yaml(new SafeConstructor(options));
        List<Map<String, Object>> documents = new ArrayList<>();
        int index = 0;
        for (Object document : yaml.loadAll(text)) {
            index++;
            if (document == null) {
                continue;
            }
            if (!(document instanceof Map<?, ?>)) {
                throw new AssertionError(source + ": document " + index + " is not a mapping");
            }
            documents.add(copy(asMap(document)));
        }
        return documents;
    }

    /** The only document of {@code file}. */
    static Map<String, Object> document(Path file) {
        List<Map<String, Object>> documents = documents(file);
        if (documents.size() != 1) {
            throw new AssertionError(Repository.relative(file) + " must hold exactly one YAML document, holds "
                    + documents.size());
        }
        return documents.get(0);
    }

    /** The value at {@code path} below {@code node}, or null where any step is missing. */
    static Object at(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    /** The mapping at {@code path}, empty where absent. */
    static Map<String, Object> map(Object node, String... path) {
        Object value = at(node, path);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new AssertionError(String.join(".", path) + " is not a mapping: " + value);
        }
        return asMap(value);
    }

    /** The mappings listed at {@code path}, empty where absent. */
    static List<Map<String, Object>> maps(Object node, String... path) {
        Object value = at(node, path);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new AssertionError(String.join(".", path) + " is not a list: " + value);
        }
        List<Map<String, Object>> maps = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?>)) {
                throw new AssertionError(String.join(".", path) + " holds a non-mapping item: " + item);
            }
            maps.add(asMap(item));
        }
        return maps;
    }

    /** The scalars listed at {@code path} as strings, empty where absent. */
    static List<String> strings(Object node, String... path) {
        Object value = at(node, path);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new AssertionError(String.join(".", path) + " is not a list: " + value);
        }
        return list.stream().map(String::valueOf).toList();
    }

    /** The scalar at {@code path} as a string (numbers and booleans as YAML wrote them), or null where absent. */
    static String string(Object node, String... path) {
        Object value = at(node, path);
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw new AssertionError(String.join(".", path) + " is not a scalar: " + value);
        }
        return value == null ? null : String.valueOf(value);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }

    /**
     * A deep copy. Aliases make SnakeYAML share one object between places in a document; rendering a kustomization
     * edits resources in place, and must not edit two places at once.
     */
    @SuppressWarnings("unchecked")
    static <T> T copy(T node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, value) -> copy.put(String.valueOf(key), copy(value)));
            return (T) copy;
        }
        if (node instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(item -> copy.add(copy(item)));
            return (T) copy;
        }
        return node;
    }
}
