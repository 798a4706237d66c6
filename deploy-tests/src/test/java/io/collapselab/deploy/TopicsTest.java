package io.collapselab.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.events.kafka.TopicDefinition;
import io.collapselab.events.kafka.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The topics the deployment creates are exactly events' {@link Topics#ALL}: names, partitions and configs. */
class TopicsTest {

    private static final Map<String, TopicDefinition> EXPECTED = Topics.ALL.stream()
            .collect(Collectors.toMap(TopicDefinition::name, topic -> topic, (a, b) -> a, TreeMap::new));

    @Test
    void kafkaTopicsAreTheTopicsOfEvents() {
        List<Map<String, Object>> resources = Manifests.deployable(Manifests.CPU);
        Map<String, TopicDefinition> declared = new TreeMap<>();
        for (Map<String, Object> topic : Resources.ofKind(resources, "KafkaTopic")) {
            String name = Yaml.string(topic, "spec", "topicName");
            name = name != null ? name : Resources.name(topic);
            declared.put(name, new TopicDefinition(name, Integer.parseInt(Yaml.string(topic, "spec", "partitions")),
                    strings(Yaml.map(topic, "spec", "config"))));
        }
        assertEquals(EXPECTED, declared, "KafkaTopic resources against Topics.ALL");
    }

    @Test
    void kafkaTopicsBelongToTheClusterAndSurviveABrokerLoss() {
        List<Map<String, Object>> resources = Manifests.deployable(Manifests.CPU);
        Map<String, Object> kafka = single(Resources.ofKind(resources, "Kafka"));
        String cluster = Resources.name(kafka);
        int brokers = Resources.ofKind(resources, "KafkaNodePool").stream()
                .filter(pool -> cluster.equals(Yaml.string(pool, "metadata", "labels", "strimzi.io/cluster")))
                .filter(pool -> Yaml.strings(pool, "spec", "roles").contains("broker"))
                .mapToInt(pool -> Integer.parseInt(Yaml.string(pool, "spec", "replicas")))
                .sum();
        int minInSync = Integer.parseInt(Yaml.string(kafka, "spec", "kafka", "config", "min.insync.replicas"));
        for (Map<String, Object> topic : Resources.ofKind(resources, "KafkaTopic")) {
            assertEquals(cluster, Yaml.string(topic, "metadata", "labels", "strimzi.io/cluster"),
                    Resources.id(topic) + " must carry the label strimzi.io/cluster of the Kafka resource");
            int replicas = Integer.parseInt(Yaml.string(topic, "spec", "replicas"));
            assertTrue(replicas <= brokers, Resources.id(topic) + " wants " + replicas + " replicas on " + brokers
                    + " brokers");
            assertTrue(replicas > minInSync, Resources.id(topic) + ": with " + replicas + " replicas and"
                    + " min.insync.replicas " + minInSync + ", losing one broker stops every write");
        }
    }

    /** kafka-init's lines {@code create TOPIC PARTITIONS CONFIG...} (docker-compose.yml). */
    @Test
    void composeInitCreatesTheTopicsOfEvents() {
        Map<String, Object> init = Manifests.composeServices().get("kafka-init");
        String script = String.join("\n", Yaml.strings(init, "command"));
        Map<String, TopicDefinition> created = new TreeMap<>();
        for (String line : script.lines().map(String::trim).toList()) {
            String[] words = line.split("\\s+");
            if (!words[0].equals("create")) {
                continue;
            }
            Map<String, String> configs = new LinkedHashMap<>();
            for (int i = 3; i < words.length; i++) {
                String[] config = words[i].split("=", 2);
                configs.put(config[0], config[1]);
            }
            created.put(words[1], new TopicDefinition(words[1], Integer.parseInt(words[2]), configs));
        }
        assertEquals(EXPECTED, created, "kafka-init's topics against Topics.ALL");
    }

    @ParameterizedTest
    @FieldSource("io.collapselab.deploy.ServiceConfiguration#SERVICES")
    void servicesConsumeOnlyTopicsOfEvents(String service) {
        List<String> unknown = new ArrayList<>();
        for (ServiceConfiguration.Channel channel : ServiceConfiguration.load(service).channels()) {
            for (String topic : channel.topics()) {
                if (!EXPECTED.containsKey(topic)) {
                    unknown.add(channel.name() + " -> " + topic);
                }
            }
        }
        assertEquals(List.of(), unknown, service + " consumes topics that Topics.ALL does not define");
    }

    private static Map<String, String> strings(Map<String, Object> configs) {
        Map<String, String> strings = new LinkedHashMap<>();
        configs.forEach((key, value) -> strings.put(key, String.valueOf(value)));
        return strings;
    }

    private static Map<String, Object> single(List<Map<String, Object>> resources) {
        assertEquals(1, resources.size(), "expected exactly one Kafka cluster");
        return resources.get(0);
    }
}
