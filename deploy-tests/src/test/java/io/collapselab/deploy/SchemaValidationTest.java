package io.collapselab.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every resource the kustomizations render, and every secret template, is valid for the API server of the versions
 * docs/deployment.md names, checked strictly against their published schemas ({@link ResourceSchemas}); and the
 * check does fail for a manifest a cluster would refuse.
 */
class SchemaValidationTest {

    @ParameterizedTest
    @FieldSource("io.collapselab.deploy.Manifests#KUSTOMIZATIONS")
    void everyRenderedResourceMatchesItsPublishedSchema(String directory) {
        for (Map<String, Object> resource : Manifests.deployable(directory)) {
            assertEquals(List.of(), ResourceSchemas.PUBLISHED.violations(resource),
                    directory + ": " + Resources.id(resource));
        }
    }

    @Test
    void secretTemplatesMatchTheirSchema() {
        for (Map<String, Object> secret : Manifests.secretTemplates()) {
            assertEquals(List.of(), ResourceSchemas.PUBLISHED.violations(secret), Resources.id(secret));
        }
    }

    @Test
    void anUnknownFieldIsRejected() {
        assertRejected(trainer(), "spec.template.spec.containers[0].imagePullPolicyy: unknown field",
                deployment -> container(deployment).put("imagePullPolicyy", "Always"));
        assertRejected(topic(), "spec.partitons: unknown field",
                topic -> Yaml.map(topic, "spec").put("partitons", 6));
        assertRejected(scaledObject(), "spec.triggers[0].metdata: unknown field",
                scaler -> Yaml.maps(scaler, "spec", "triggers").get(0).put("metdata", Map.of()));
        assertRejected(kafka(), "spec.kafka.listeners[0].tlss: unknown field",
                kafka -> Yaml.maps(kafka, "spec", "kafka", "listeners").get(0).put("tlss", false));
        assertRejected(tenant(), "spec.pools[0].server: unknown field",
                tenant -> Yaml.maps(tenant, "spec", "pools").get(0).put("server", 4));
    }

    @Test
    void aValueOutsideItsEnumIsRejected() {
        assertRejected(kafka(), "spec.kafka.listeners[0].type: internall is not one of",
                kafka -> Yaml.maps(kafka, "spec", "kafka", "listeners").get(0).put("type", "internall"));
    }

    @Test
    void aWrongTypeIsRejected() {
        assertRejected(topic(), "spec.partitions: must be integer",
                topic -> Yaml.map(topic, "spec").put("partitions", "six"));
        assertRejected(trainer(), "startupProbe.periodSeconds: must be integer",
                deployment -> Yaml.map(container(deployment), "startupProbe").put("periodSeconds", "5s"));
        assertRejected(scaledObject(), "spec.triggers[0].metadata.lagThreshold: must be string",
                scaler -> Yaml.map(Yaml.maps(scaler, "spec", "triggers").get(0), "metadata").put("lagThreshold", 1));
    }

    @Test
    void aMissingRequiredFieldIsRejected() {
        assertRejected(trainer(), "spec: required field selector is missing",
                deployment -> Yaml.map(deployment, "spec").remove("selector"));
    }

    /** The API version the manifests used before Strimzi 1.0, which no longer serves it. */
    @Test
    void aKindTheOperatorsDoNotServeIsRejected() {
        assertRejected(topic(), "kafka.strimzi.io/v1beta2 KafkaTopic: no such kind",
                topic -> topic.put("apiVersion", "kafka.strimzi.io/v1beta2"));
    }

    private static void assertRejected(Map<String, Object> valid, String expected,
                                       Consumer<Map<String, Object>> breakIt) {
        assertEquals(List.of(), ResourceSchemas.PUBLISHED.violations(valid), Resources.id(valid) + " as checked in");
        Map<String, Object> broken = Yaml.copy(valid);
        breakIt.accept(broken);
        List<String> violations = ResourceSchemas.PUBLISHED.violations(broken);
        assertTrue(violations.stream().anyMatch(violation -> violation.contains(expected)),
                "expected a violation containing '" + expected + "', got " + violations);
    }

    private static Map<String, Object> trainer() {
        return source("k8s/base/services/trainer-service.yaml", "Deployment");
    }

    private static Map<String, Object> scaledObject() {
        return source("k8s/base/services/trainer-service.yaml", "ScaledObject");
    }

    private static Map<String, Object> kafka() {
        return source("k8s/base/kafka/kafka.yaml", "Kafka");
    }

    private static Map<String, Object> tenant() {
        return source("k8s/base/minio/tenant.yaml", "Tenant");
    }

    private static Map<String, Object> topic() {
        return source("k8s/base/kafka/topics.yaml", "KafkaTopic");
    }

    private static Map<String, Object> container(Map<String, Object> deployment) {
        return Resources.containers(deployment).get(0);
    }

    /** The first resource of {@code kind} in a checked-in manifest, which needs no kubectl to read. */
    private static Map<String, Object> source(String file, String kind) {
        return Resources.ofKind(Yaml.documents(Repository.path(file)), kind).get(0);
    }
}
