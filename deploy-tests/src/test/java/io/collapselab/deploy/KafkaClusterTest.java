package io.collapselab.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kafka cluster runs the version of the services' Kafka clients, and that is a version the Strimzi release the
 * deployment targets supports (its own kafka-versions.yaml, kept with its CRDs), with the matching metadata version;
 * docs/deployment.md names both.
 */
class KafkaClusterTest {

    private static final String STRIMZI = "1.0.1";

    @Test
    void kafkaRunsTheClientsVersionOnASupportedStrimziVersion() {
        String clients = System.getProperty("collapse.kafka.version");
        assertNotNull(clients, "collapse.kafka.version is set by the module's Surefire configuration");
        Map<String, Object> kafka = Resources.named(
                Yaml.documents(Repository.path("k8s/base/kafka/kafka.yaml")), "Kafka", "collapse");
        String version = Yaml.string(kafka, "spec", "kafka", "version");
        assertEquals(clients, version, "the brokers run the clients' Kafka version (kafka.version in the POM)");

        Map<String, Object> supported = strimziKafkaVersions().stream()
                .filter(entry -> version.equals(Yaml.string(entry, "version")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("Strimzi " + STRIMZI + " does not know Kafka " + version));
        assertEquals("true", Yaml.string(supported, "supported"), "Strimzi " + STRIMZI + " supports Kafka " + version);
        String metadataVersion = Yaml.string(kafka, "spec", "kafka", "metadataVersion");
        assertTrue(metadataVersion.startsWith(Yaml.string(supported, "metadata") + "-IV"),
                "metadataVersion " + metadataVersion + " belongs to Kafka " + version);

        String docs = Repository.read(Repository.path("docs/deployment.md"));
        assertTrue(docs.contains("| Strimzi | " + STRIMZI + ", running Kafka **" + version + "** |"),
                "docs/deployment.md names Strimzi " + STRIMZI + " and Kafka " + version);
    }

    private static List<Map<String, Object>> strimziKafkaVersions() {
        String file = "schemas/strimzi-" + STRIMZI + "/kafka-versions.yaml";
        Object versions = new org.yaml.snakeyaml.Yaml(new SafeConstructor(new LoaderOptions()))
                .load(ResourceSchemas.resource(file));
        return ((List<?>) versions).stream().map(Yaml::asMap).toList();
    }
}
