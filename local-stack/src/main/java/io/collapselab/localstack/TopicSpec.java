package io.collapselab.localstack;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A topic the local stack creates on start if it does not exist yet. {@code configs} are topic-level Kafka
 * configs such as {@code retention.ms=-1}; they apply only when the topic is created, never to an existing one.
 */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {

    // Kafka's own rule for topic names (Topic.validate), checked here so that a typo fails before the broker starts.
    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public TopicSpec {
        Objects.requireNonNull(name, "topic name");
        Objects.requireNonNull(configs, "topic configs");
        if (!LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("topic name '" + name
                    + "' is not a legal Kafka topic name: use 1 to 249 of [a-zA-Z0-9._-], not '.' or '..'");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic '" + name + "' needs at least 1 partition, got " + partitions);
        }
        configs = Map.copyOf(configs);
    }

    /** A topic with the broker's default configs. */
    public static TopicSpec of(String name, int partitions) {
        return new TopicSpec(name, partitions, Map.of());
    }
}
