package io.collapselab.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** No credential is checked in: Secrets are templates with placeholders, kept out of what gets applied. */
class SecretsTest {

    static final String PLACEHOLDER = "CHANGE-ME";

    /** One line of an env file ({@code config.env}) whose value is the placeholder. */
    private static final Pattern PLACEHOLDER_ASSIGNMENT =
            Pattern.compile("(export\\s+)?[A-Za-z_][A-Za-z0-9_]*=\"?" + PLACEHOLDER + "\"?");

    /** Names of settings that hold credentials, which belong in Secrets, never in a ConfigMap. */
    private static final Pattern CREDENTIAL_NAME = Pattern.compile("(?i).*(secret|password|access.?key|token).*");

    @Test
    void secretsHoldOnlyPlaceholders() {
        List<String> problems = new ArrayList<>();
        for (Path file : Repository.files("k8s", ".yaml", ".yml")) {
            for (Map<String, Object> document : Yaml.documents(file)) {
                if (!"Secret".equals(Resources.kind(document))) {
                    continue;
                }
                String where = Repository.relative(file) + " " + Resources.id(document);
                if (!Yaml.map(document, "data").isEmpty()) {
                    problems.add(where + ": use stringData, so that a placeholder is visibly one");
                }
                Yaml.map(document, "stringData").forEach((key, value) -> {
                    if (!isPlaceholder(String.valueOf(value))) {
                        problems.add(where + ": " + key + " holds something other than " + PLACEHOLDER);
                    }
                });
            }
        }
        assertEquals(List.of(), problems);
    }

    /** Applying a kustomization must never replace the real credentials an operator created. */
    @Test
    void noKustomizationAppliesASecret() {
        Manifests.deployable().forEach((directory, resources) ->
                assertTrue(Resources.ofKind(resources, "Secret").isEmpty(), directory + " renders a Secret"));
    }

    /** Every Secret a workload reads has a template that shows its keys. */
    @Test
    void everySecretReferencedHasATemplate() {
        Set<String> templates = new TreeSet<>();
        Manifests.secretTemplates().forEach(secret -> templates.add(Resources.name(secret)));
        Set<String> referenced = new TreeSet<>();
        for (List<Map<String, Object>> resources : Manifests.deployable().values()) {
            for (Map<String, Object> workload : Resources.workloads(resources)) {
                for (Map<String, Object> container : Resources.containers(workload)) {
                    Yaml.maps(container, "envFrom").stream()
                            .map(source -> Yaml.string(source, "secretRef", "name"))
                            .filter(name -> name != null)
                            .forEach(referenced::add);
                }
                Yaml.maps(Resources.podTemplate(workload), "spec", "volumes").stream()
                        .map(volume -> Yaml.string(volume, "secret", "secretName"))
                        .filter(name -> name != null)
                        .forEach(referenced::add);
            }
            Resources.ofKind(resources, "Tenant")
                    .forEach(tenant -> referenced.add(Yaml.string(tenant, "spec", "configuration", "name")));
            // Read by the operators: KEDA's login, and a KafkaUser's password where it is not generated.
            Resources.ofKind(resources, "TriggerAuthentication").forEach(auth -> Yaml.maps(auth, "spec",
                    "secretTargetRef").forEach(ref -> referenced.add(Yaml.string(ref, "name"))));
            Resources.ofKind(resources, "KafkaUser").stream()
                    .map(user -> Yaml.string(user, "spec", "authentication", "password", "valueFrom", "secretKeyRef",
                            "name"))
                    .filter(name -> name != null)
                    .forEach(referenced::add);
        }
        assertFalse(referenced.isEmpty());
        assertEquals(referenced, templates, "Secrets the workloads read against the templates in k8s/secrets");
    }

    @Test
    void configMapsHoldNoCredentials() {
        for (List<Map<String, Object>> resources : Manifests.deployable().values()) {
            for (Map<String, Object> configMap : Resources.ofKind(resources, "ConfigMap")) {
                for (String key : Yaml.map(configMap, "data").keySet()) {
                    assertFalse(CREDENTIAL_NAME.matcher(key).matches(), Resources.id(configMap) + " holds " + key
                            + ", which belongs in a Secret");
                }
            }
        }
    }

    private static boolean isPlaceholder(String value) {
        if (!value.contains("\n")) {
            return value.equals(PLACEHOLDER);
        }
        return value.lines()
                .map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .allMatch(line -> PLACEHOLDER_ASSIGNMENT.matcher(line).matches());
    }
}
