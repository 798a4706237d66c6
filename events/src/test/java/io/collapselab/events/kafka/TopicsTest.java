package io.collapselab.events.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.collapselab.events.EventType;
import io.collapselab.events.Fixtures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void eachEventTypeGoesToItsTopic() {
        assertEquals(Topics.RUNS, Topics.topicFor(Fixtures.runRequested()));
        assertEquals(Topics.RUNS, Topics.topicFor(Fixtures.runCompleted()));
        assertEquals(Topics.CHECKPOINTS, Topics.topicFor(Fixtures.checkpointPublished()));
        assertEquals(Topics.CORPORA, Topics.topicFor(Fixtures.corpusGenerated()));
        assertEquals(Topics.EVALUATIONS, Topics.topicFor(Fixtures.evaluationCompleted()));
    }

    @Test
    void topicNamesAreTheDocumentedOnes() {
        assertEquals(List.of("collapse.runs", "collapse.checkpoints", "collapse.corpora", "collapse.evaluations",
                "collapse.dead-letter"), Topics.ALL.stream().map(TopicDefinition::name).toList());
    }

    @Test
    void everyEventTopicIsDefined() {
        for (EventType type : EventType.values()) {
            String topic = Topics.topicFor(type);
            assertEquals(1, Topics.ALL.stream().filter(definition -> definition.name().equals(topic)).count(), topic);
        }
    }

    @Test
    void everyTopicKeepsItsRecordsForeverAndIsNeverCompacted() {
        for (TopicDefinition topic : Topics.ALL) {
            assertEquals(Topics.DEFAULT_PARTITIONS, topic.partitions(), topic.name());
            assertEquals(Map.of("cleanup.policy", "delete", "retention.ms", "-1", "retention.bytes", "-1"),
                    topic.configs(), topic.name());
        }
    }

    @Test
    void configsIterateInNameOrderAndCannotBeChanged() {
        Map<String, String> configs = new HashMap<>();
        configs.put("retention.ms", "-1");
        configs.put("cleanup.policy", "delete");
        configs.put("max.message.bytes", "2097152");

        TopicDefinition topic = new TopicDefinition("t", 1, configs);
        configs.put("retention.bytes", "-1");

        assertEquals(List.of("cleanup.policy", "max.message.bytes", "retention.ms"),
                List.copyOf(topic.configs().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> topic.configs().put("x", "y"));
    }

    @Test
    void aTopicNeedsANameAndAPartition() {
        IllegalArgumentException noName = assertThrows(IllegalArgumentException.class,
                () -> new TopicDefinition(" ", 1, Map.of()));
        IllegalArgumentException noPartition = assertThrows(IllegalArgumentException.class,
                () -> new TopicDefinition("collapse.runs", 0, Map.of()));

        assertEquals("topic name must not be empty", noName.getMessage());
        assertEquals("topic collapse.runs needs at least 1 partition, was 0", noPartition.getMessage());
    }
}
