package io.collapselab.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.events.kafka.TopicDefinition;
import io.collapselab.events.kafka.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each worker scales with KEDA on the lag of its own consumer group (the group its replicas share, as its
 * configuration names it), over the topics that group reads, and never beyond the partitions that bound how many
 * replicas can have work.
 */
class ScalingTest {

    @ParameterizedTest
    @FieldSource("io.collapselab.deploy.ServiceConfiguration#SERVICES")
    void workerScalesOnTheLagOfItsOwnConsumerGroup(String service) {
        ServiceConfiguration configuration = ServiceConfiguration.load(service);
        List<ServiceConfiguration.Channel> work = configuration.workChannels();
        assertFalse(work.isEmpty(), service + " has no incoming channel with a shared consumer group");
        Set<String> topics = work.stream().flatMap(channel -> channel.topics().stream())
                .collect(Collectors.toCollection(TreeSet::new));

        for (List<Map<String, Object>> resources : Manifests.deployable().values()) {
            for (Map<String, Object> deployment : Resources.ofKind(resources, "Deployment")) {
                if (!service.equals(serviceOf(deployment))) {
                    continue;
                }
                Map<String, Object> scaler = scalerOf(resources, deployment);
                assertEquals(List.of(), triggerProblems(scaler, work), Resources.id(scaler));

                int maxReplicas = Integer.parseInt(Yaml.string(scaler, "spec", "maxReplicaCount"));
                for (String topic : topics) {
                    int partitions = partitions(topic);
                    assertTrue(maxReplicas <= partitions, Resources.id(scaler) + " allows " + maxReplicas
                            + " replicas, but " + topic + " has " + partitions + " partitions: the rest would idle");
                }
            }
        }
    }

    /** A trigger without its topic, which KEDA's kafka scaler refuses, fails the check. */
    @Test
    void aTriggerWithoutATopicIsRejected() {
        List<ServiceConfiguration.Channel> work = ServiceConfiguration.load("trainer-service").workChannels();
        Map<String, Object> scaler = Resources.ofKind(Yaml.documents(
                Repository.path("k8s/base/services/trainer-service.yaml")), "ScaledObject").get(0);
        assertEquals(List.of(), triggerProblems(scaler, work), "as checked in");

        Map<String, Object> withoutTopic = Yaml.copy(scaler);
        Yaml.map(Yaml.maps(withoutTopic, "spec", "triggers").get(0), "metadata").remove("topic");
        assertTrue(triggerProblems(withoutTopic, work).stream().anyMatch(problem -> problem.contains("names no topic")),
                String.valueOf(triggerProblems(withoutTopic, work)));

        Map<String, Object> oneTopicTwice = Yaml.copy(scaler);
        List<Map<String, Object>> triggers = Yaml.maps(oneTopicTwice, "spec", "triggers");
        Yaml.map(triggers.get(1), "metadata").put("topic", Yaml.string(triggers.get(0), "metadata", "topic"));
        assertTrue(triggerProblems(oneTopicTwice, work).stream().anyMatch(problem -> problem.contains("twice")),
                String.valueOf(triggerProblems(oneTopicTwice, work)));
    }

    /**
     * What is wrong with how {@code scaler} follows the lag of the work channels' consumer groups: each trigger is a
     * kafka trigger on one (group, topic) pair the service consumes, every pair has exactly one, and each names its
     * topic, without which KEDA's kafka scaler refuses {@code limitToPartitionsWithLag} and the ScaledObject never
     * becomes ready.
     */
    static List<String> triggerProblems(Map<String, Object> scaler, List<ServiceConfiguration.Channel> work) {
        Set<String> consumed = new TreeSet<>();
        work.forEach(channel -> channel.topics().forEach(topic -> consumed.add(channel.groupId() + " " + topic)));
        List<String> problems = new ArrayList<>();
        Set<String> scaled = new TreeSet<>();
        List<Map<String, Object>> triggers = Yaml.maps(scaler, "spec", "triggers");
        for (int i = 0; i < triggers.size(); i++) {
            Map<String, Object> trigger = triggers.get(i);
            String where = "trigger " + i;
            if (!"kafka".equals(Yaml.string(trigger, "type"))) {
                problems.add(where + " is of type " + Yaml.string(trigger, "type") + ", not kafka");
                continue;
            }
            String topic = Yaml.string(trigger, "metadata", "topic");
            if (topic == null) {
                problems.add(where + " names no topic: KEDA's kafka scaler refuses limitToPartitionsWithLag without"
                        + " one; give each consumed topic a trigger of its own");
                continue;
            }
            String pair = Yaml.string(trigger, "metadata", "consumerGroup") + " " + topic;
            if (!scaled.add(pair)) {
                problems.add(where + " scales on " + pair + " twice");
            }
        }
        if (!scaled.equals(consumed)) {
            problems.add("triggers on (group topic) " + scaled + ", but the service consumes " + consumed);
        }
        return problems;
    }

    /** KEDA's operator runs in its own namespace: it must reach the same brokers as the services, by full name. */
    @ParameterizedTest
    @ValueSource(strings = {Manifests.CPU, Manifests.GPU})
    void scalersReadTheBrokersTheServicesUse(String directory) {
        List<Map<String, Object>> resources = Manifests.deployable(directory);
        for (Map<String, Object> scaler : Resources.ofKind(resources, "ScaledObject")) {
            Map<String, Object> deployment = Resources.named(resources, "Deployment",
                    Yaml.string(scaler, "spec", "scaleTargetRef", "name"));
            String bootstrap = Manifests.environment(Resources.containers(deployment).get(0),
                            Manifests.withSecretTemplates(resources))
                    .get("KAFKA_BOOTSTRAP_SERVERS");
            assertNotNull(bootstrap, Resources.id(deployment) + " sets no KAFKA_BOOTSTRAP_SERVERS");
            String[] hostAndPort = bootstrap.split(":");
            String expected = hostAndPort[0] + "." + Resources.namespace(scaler) + ".svc:" + hostAndPort[1];
            for (Map<String, Object> trigger : Yaml.maps(scaler, "spec", "triggers")) {
                assertEquals(expected, Yaml.string(trigger, "metadata", "bootstrapServers"), Resources.id(scaler));
            }
        }
    }

    /** Every Deployment is a worker, and every worker has exactly one scaler. */
    @ParameterizedTest
    @ValueSource(strings = {Manifests.CPU, Manifests.GPU})
    void everyWorkerHasOneScaler(String directory) {
        List<Map<String, Object>> resources = Manifests.deployable(directory);
        for (Map<String, Object> deployment : Resources.ofKind(resources, "Deployment")) {
            scalerOf(resources, deployment);
            assertNull(Yaml.at(deployment, "spec", "replicas"), Resources.id(deployment)
                    + " sets replicas, which every kubectl apply would reset under KEDA");
        }
        assertTrue(Resources.ofKind(resources, "ScaledJob").isEmpty(), "training runs in scaled Deployments");
    }

    private static Map<String, Object> scalerOf(List<Map<String, Object>> resources, Map<String, Object> deployment) {
        List<Map<String, Object>> scalers = Resources.ofKind(resources, "ScaledObject").stream()
                .filter(scaler -> Resources.name(deployment).equals(
                        Yaml.string(scaler, "spec", "scaleTargetRef", "name")))
                .toList();
        assertEquals(1, scalers.size(), "ScaledObjects targeting " + Resources.id(deployment));
        return scalers.get(0);
    }

    private static String serviceOf(Map<String, Object> deployment) {
        return Images.service(ImageReference.parse(Yaml.string(Resources.containers(deployment).get(0), "image")));
    }

    private static int partitions(String topic) {
        return Topics.ALL.stream()
                .filter(definition -> definition.name().equals(topic))
                .mapToInt(TopicDefinition::partitions)
                .findFirst()
                .orElseThrow(() -> new AssertionError(topic + " is not a topic of Topics.ALL"));
    }
}
