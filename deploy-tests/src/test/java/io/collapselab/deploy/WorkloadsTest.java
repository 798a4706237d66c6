package io.collapselab.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every workload needs to run well on a shared cluster: probes on the services' health endpoints, resources,
 * metrics annotations, a disruption budget, the network policy, and the engine threads its CPUs can serve.
 */
class WorkloadsTest {

    private static final Pattern THREADS = Pattern.compile("-Dai\\.djl\\.pytorch\\.num_threads=(\\d+)");
    private static final String HTTP_PORT = "8080";

    @ParameterizedTest
    @ValueSource(strings = {Manifests.CPU, Manifests.GPU})
    void servicesAreProbedOnTheirHealthEndpoints(String directory) {
        for (Map<String, Object> deployment : deployments(directory)) {
            Map<String, Object> container = Resources.containers(deployment).get(0);
            String id = Resources.id(deployment);
            assertEquals("/q/health/live", Yaml.string(container, "livenessProbe", "httpGet", "path"), id);
            assertEquals("/q/health/ready", Yaml.string(container, "readinessProbe", "httpGet", "path"), id);
            assertEquals("/q/health/started", Yaml.string(container, "startupProbe", "httpGet", "path"),
                    id + ": a slow start must not fail the liveness probe");
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                assertEquals("http", Yaml.string(container, probe, "httpGet", "port"), id + " " + probe);
            }
            Map<String, Object> port = Yaml.maps(container, "ports").get(0);
            assertEquals("http", Yaml.string(port, "name"), id);
            assertEquals(HTTP_PORT, Yaml.string(port, "containerPort"), id + ": the port the images serve on");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Manifests.CPU, Manifests.GPU, Manifests.AUDIT})
    void everyContainerHasRequestsAndLimits(String directory) {
        for (Map<String, Object> workload : Resources.workloads(Manifests.deployable(directory))) {
            for (Map<String, Object> container : Resources.containers(workload)) {
                for (String bound : List.of("requests", "limits")) {
                    for (String resource : List.of("cpu", "memory")) {
                        assertNotNull(Yaml.string(container, "resources", bound, resource),
                                Resources.id(workload) + " has no " + resource + " " + bound);
                    }
                }
            }
        }
    }

    /** Prometheus finds the services' metrics from the pod annotations of the common kubernetes-pods job. */
    @ParameterizedTest
    @ValueSource(strings = {Manifests.CPU, Manifests.GPU})
    void servicesExposeMetricsToPrometheus(String directory) {
        for (Map<String, Object> deployment : deployments(directory)) {
            Map<String, Object> annotations = Yaml.map(Resources.podTemplate(deployment), "metadata", "annotations");
            assertEquals("true", Yaml.string(annotations, "prometheus.io/scrape"), Resources.id(deployment));
            assertEquals("/q/metrics", Yaml.string(annotations, "prometheus.io/path"), Resources.id(deployment));
            assertEquals(HTTP_PORT, Yaml.string(annotations, "prometheus.io/port"), Resources.id(deployment));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Manifests.CPU, Manifests.GPU})
    void everyServiceHasADisruptionBudget(String directory) {
        List<Map<String, Object>> resources = Manifests.deployable(directory);
        for (Map<String, Object> deployment : deployments(directory)) {
            Map<String, Object> labels = Yaml.map(Resources.podTemplate(deployment), "metadata", "labels");
            long budgets = Resources.ofKind(resources, "PodDisruptionBudget").stream()
                    .filter(budget -> selects(Yaml.map(budget, "spec", "selector", "matchLabels"), labels))
                    .count();
            assertEquals(1, budgets, "PodDisruptionBudgets of " + Resources.id(deployment));
        }
    }

    /** Every pod of collapse-lab is under the network policy, which lets through Kafka, MinIO, DNS and metrics. */
    @ParameterizedTest
    @ValueSource(strings = {Manifests.CPU, Manifests.GPU, Manifests.AUDIT})
    void everyPodIsUnderTheNetworkPolicy(String directory) {
        Map<String, Object> policy = Resources.named(Manifests.deployable(Manifests.CPU), "NetworkPolicy",
                "collapse-lab");
        assertEquals(List.of("Ingress", "Egress"), Yaml.strings(policy, "spec", "policyTypes"));
        Map<String, Object> selector = Yaml.map(policy, "spec", "podSelector", "matchLabels");
        for (Map<String, Object> workload : Resources.workloads(Manifests.deployable(directory))) {
            assertTrue(selects(selector, Yaml.map(Resources.podTemplate(workload), "metadata", "labels")),
                    Resources.id(workload) + " escapes the network policy");
        }
        Set<String> egressPorts = new HashSet<>();
        Yaml.maps(policy, "spec", "egress").forEach(rule ->
                Yaml.maps(rule, "ports").forEach(port -> egressPorts.add(Yaml.string(port, "port"))));
        assertEquals(Set.of("9092", "9000", "53"), egressPorts, "Kafka, MinIO and DNS");
        Set<String> ingressPorts = new HashSet<>();
        Yaml.maps(policy, "spec", "ingress").forEach(rule ->
                Yaml.maps(rule, "ports").forEach(port -> ingressPorts.add(Yaml.string(port, "port"))));
        assertEquals(Set.of(HTTP_PORT), ingressPorts, "metrics only");
    }

    /**
     * The engine's intra-op threads equal each service's whole CPU limit, and are the same for every service: a
     * generation is bit-identical only for the same thread count (docs/determinism.md).
     */
    @ParameterizedTest
    @ValueSource(strings = {Manifests.CPU, Manifests.GPU})
    void engineThreadsMatchTheCpuLimit(String directory) {
        List<Map<String, Object>> resources = Manifests.withSecretTemplates(Manifests.deployable(directory));
        Set<String> counts = new HashSet<>();
        for (Map<String, Object> deployment : deployments(directory)) {
            Map<String, Object> container = Resources.containers(deployment).get(0);
            String threads = threads(Manifests.environment(container, resources).get("JAVA_TOOL_OPTIONS"),
                    Resources.id(deployment));
            assertEquals(Yaml.string(container, "resources", "limits", "cpu"), threads, Resources.id(deployment));
            assertEquals(Yaml.string(container, "resources", "requests", "cpu"), threads,
                    Resources.id(deployment) + ": whole cores, requested as they are limited");
            counts.add(threads);
        }
        assertEquals(1, counts.size(), "every service computes with the same thread count");
    }

    @Test
    void composeEngineThreadsMatchTheCpus() {
        Set<String> counts = new HashSet<>();
        Manifests.composeServices().forEach((name, service) -> {
            ImageReference image = ImageReference.parse(Yaml.string(service, "image"));
            if (Images.service(image) != null) {
                String threads = threads(Manifests.composeEnvironment(service).get("JAVA_TOOL_OPTIONS"), name);
                assertEquals(Yaml.string(service, "cpus"), threads, name);
                counts.add(threads);
            }
        });
        assertEquals(1, counts.size(), "every service computes with the same thread count");
    }

    private static List<Map<String, Object>> deployments(String directory) {
        List<Map<String, Object>> deployments = Resources.ofKind(Manifests.deployable(directory), "Deployment");
        assertFalse(deployments.isEmpty(), directory + " deploys no service");
        return deployments;
    }

    private static String threads(String javaToolOptions, String where) {
        assertNotNull(javaToolOptions, where + " sets no JAVA_TOOL_OPTIONS");
        Matcher matcher = THREADS.matcher(javaToolOptions);
        assertTrue(matcher.find(), where + " does not fix ai.djl.pytorch.num_threads");
        return matcher.group(1);
    }

    private static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        return !selector.isEmpty() && selector.entrySet().stream()
                .allMatch(entry -> String.valueOf(entry.getValue()).equals(String.valueOf(labels.get(entry.getKey()))));
    }
}
