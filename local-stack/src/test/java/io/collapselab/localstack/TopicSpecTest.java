package io.collapselab.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicSpecTest {

    @Test
    void copiesConfigsSoLaterChangesDoNotLeakIn() {
        Map<String, String> configs = new HashMap<>(Map.of("retention.ms", "-1"));
        TopicSpec spec = new TopicSpec("collapse.runs", 3, configs);
        configs.put("cleanup.policy", "compact");
        assertEquals(Map.of("retention.ms", "-1"), spec.configs());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "has space", "slash/name", "ümlaut"})
    void rejectsNamesKafkaWouldRefuse(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TopicSpec.of(name, 1));
        assertTrue(e.getMessage().contains("not a legal Kafka topic name"), e.getMessage());
    }

    @Test
    void rejectsTopicsWithoutPartitions() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TopicSpec.of("collapse.runs", 0));
        assertEquals("topic 'collapse.runs' needs at least 1 partition, got 0", e.getMessage());
    }

    @Test
    void parsesCommandLineTopics() {
        assertEquals(List.of(TopicSpec.of("collapse.runs", 3), TopicSpec.of("collapse.dead-letter", 1)),
                LocalStackMain.parseTopics(List.of("collapse.runs:3", "collapse.dead-letter:1")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"collapse.runs", "collapse.runs:", ":3", "collapse.runs:three"})
    void rejectsMalformedCommandLineTopics(String arg) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LocalStackMain.parseTopics(List.of(arg)));
        assertTrue(e.getMessage().startsWith("topic argument '" + arg + "'"), e.getMessage());
    }
}
