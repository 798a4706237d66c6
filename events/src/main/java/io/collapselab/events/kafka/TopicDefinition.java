package io.collapselab.events.kafka;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A topic as it must exist for the system to work: name, partition count and topic-level configs (Kafka's own
 * config names, e.g. {@code retention.ms}). Configs iterate in name order, so generated manifests are stable.
 */
public record TopicDefinition(String name, int partitions, Map<String, String> configs) {

    public TopicDefinition {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be empty");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + " needs at least 1 partition, was " + partitions);
        }
        configs = Collections.unmodifiableMap(new TreeMap<>(configs));
    }
}
