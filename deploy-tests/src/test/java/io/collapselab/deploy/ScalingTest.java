package io.collapselab.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.events.kafka.TopicDefinition;
import io.collapselab.events.kafka.Topics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
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
        Set<String> groups = work.stream().map(ServiceConfiguration.Channel::groupId).collect(Collectors.toSet());
        Set<String> topics = work.stream().flatMap(channel -> channel.topics().stream())
                .collect(Collectors.toCollection(TreeSet::new));

        for (List<Map<String, Object>> resources : Manifests.DEPLOYABLE.values()) {
            for (Map<String, Object> deployment : Resources.ofKind(resources, "Deployment")) {
                if (!service.equals(serviceOf(deployment))) {
                    continue;
                }
                Map<String, Object> scaler = scalerOf(resources, deployment);
                Set<String> scaledGroups = new TreeSet<>();
                Set<String> scaledTopics = new TreeSet<>();
                for (Map<String, Object> trigger : Yaml.maps(scaler, "spec", "triggers")) {
                    assertEquals("kafka", Yaml.string(trigger, "type"), Resources.id(scaler));
                    String group = Yaml.string(trigger, "metadata", "consumerGroup");
                    String topic = Yaml.string(trigger, "metadata", "topic");
                    scaledGroups.add(group);
                    // A trigger without a topic sums the lag over every topic the group reads.
                    scaledTopics.addAll(topic != null ? Set.of(topic) : topicsOf(work, group));
                }
                assertEquals(groups, scaledGroups, Resources.id(scaler) + ": consumer groups of " + service);
                assertEquals(topics, scaledTopics, Resources.id(scaler) + ": topics " + service + " consumes");

                int maxReplicas = Integer.parseInt(Yaml.string(scaler, "spec", "maxReplicaCount"));
                for (String topic : topics) {
                    int partitions = partitions(topic);
                    assertTrue(maxReplicas <= partitions, Resources.id(scaler) + " allows " + maxReplicas
                            + " replicas, but " + topic + " has " + partitions + " partitions: the rest would idle");
                }
            }
        }
    }

    /** KEDA's operator runs in its own namespace: it must reach the same brokers as the services, by full name. */
    @ParameterizedTest
    @ValueSource(strings = {Manifests.CPU, Manifests.GPU})
    void scalersReadTheBrokersTheServicesUse(String directory) {
        List<Map<String, Object>> resources = Manifests.DEPLOYABLE.get(directory);
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
        List<Map<String, Object>> resources = Manifests.DEPLOYABLE.get(directory);
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

    private static Set<String> topicsOf(List<ServiceConfiguration.Channel> work, String group) {
        return work.stream()
                .filter(channel -> channel.groupId().equals(group))
                .flatMap(channel -> channel.topics().stream())
                .collect(Collectors.toSet());
    }

    private static int partitions(String topic) {
        return Topics.ALL.stream()
                .filter(definition -> definition.name().equals(topic))
                .mapToInt(TopicDefinition::partitions)
                .findFirst()
                .orElseThrow(() -> new AssertionError(topic + " is not a topic of Topics.ALL"));
    }
}
