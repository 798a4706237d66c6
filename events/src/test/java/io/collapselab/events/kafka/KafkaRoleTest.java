package io.collapselab.events.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The role table says who writes each topic as the design does. */
class KafkaRoleTest {

    private static Set<KafkaRole> writersOf(String topic) {
        return Arrays.stream(KafkaRole.values()).filter(r -> r.writes().contains(topic)).collect(Collectors.toSet());
    }

    @Test
    void eachTopicHasTheWritersOfTheDesign() {
        Map<String, Set<KafkaRole>> expected = Map.of(
                Topics.CHECKPOINTS, Set.of(KafkaRole.TRAINER),
                Topics.CORPORA, Set.of(KafkaRole.GENERATOR),
                Topics.EVALUATIONS, Set.of(KafkaRole.EVALUATOR),
                // RunRequested from the submitter, RunCompleted from the evaluator, RunCompleted(failed) from any
                // service: the lineage check, not the broker, tells them apart.
                Topics.RUNS, Set.of(KafkaRole.TRAINER, KafkaRole.GENERATOR, KafkaRole.EVALUATOR, KafkaRole.SUBMITTER),
                Topics.DEAD_LETTER, Set.of(KafkaRole.TRAINER, KafkaRole.GENERATOR, KafkaRole.EVALUATOR));
        for (TopicDefinition topic : Topics.ALL) {
            assertEquals(expected.get(topic.name()), writersOf(topic.name()), topic.name());
        }
    }

    @Test
    void theAuditorReadsEveryTopicAndWritesNone() {
        assertEquals(Set.of(), KafkaRole.AUDITOR.writes());
        assertEquals(Topics.ALL.stream().map(TopicDefinition::name).collect(Collectors.toSet()),
                KafkaRole.AUDITOR.reads());
    }

    @Test
    void servicesReadTheTopicsTheyConsumeAndUseOnlyTheirOwnGroups() {
        assertEquals(Set.of(Topics.RUNS, Topics.CORPORA, Topics.EVALUATIONS), KafkaRole.TRAINER.reads(),
                "evaluations for the retention policy");
        assertEquals(Set.of(Topics.RUNS, Topics.CHECKPOINTS), KafkaRole.GENERATOR.reads());
        assertEquals(Set.of(Topics.RUNS, Topics.CHECKPOINTS, Topics.CORPORA), KafkaRole.EVALUATOR.reads());
        for (KafkaRole role : KafkaRole.values()) {
            for (String prefix : role.groupPrefixes()) {
                assertTrue(prefix.contains(role.user()), role + " groups start with its own name: " + prefix);
            }
        }
        assertEquals(Set.of(), KafkaRole.SUBMITTER.groupPrefixes(), "the CLI assigns partitions, no group");
        assertEquals(Set.of(), KafkaRole.AUDITOR.groupPrefixes(), "the CLI assigns partitions, no group");
    }

    @Test
    void everyTopicWrittenOrReadExists() {
        Set<String> topics = Topics.ALL.stream().map(TopicDefinition::name).collect(Collectors.toSet());
        for (KafkaRole role : KafkaRole.values()) {
            assertTrue(topics.containsAll(role.writes()), role.toString());
            assertTrue(topics.containsAll(role.reads()), role.toString());
        }
    }
}
