package io.collapselab.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The deployment as checked in: the rendered kustomizations, the secret templates and the compose file. */
final class Manifests {

    static final String CPU = "k8s/overlays/cpu";
    static final String GPU = "k8s/overlays/gpu";
    static final String AUDIT = "k8s/audit";
    static final String SECRET_TEMPLATES = "k8s/secrets";
    static final Path COMPOSE = Repository.path("docker/docker-compose.yml");

    /** Every kustomization a user applies. */
    static final List<String> KUSTOMIZATIONS = List.of(CPU, GPU, AUDIT);

    private static Map<String, List<Map<String, Object>>> rendered;

    private Manifests() {
    }

    /**
     * Every kustomization a user applies, and what {@code kubectl kustomize} renders it to (rendered once per test
     * run); skips the calling test where kubectl is missing.
     */
    static synchronized Map<String, List<Map<String, Object>>> deployable() {
        Kustomize.assumeAvailable();
        if (rendered == null) {
            Map<String, List<Map<String, Object>>> all = new LinkedHashMap<>();
            for (String directory : KUSTOMIZATIONS) {
                all.put(directory, Kustomize.build(directory));
            }
            rendered = all;
        }
        return rendered;
    }

    /** What {@code directory}, one of {@link #KUSTOMIZATIONS}, renders to. */
    static List<Map<String, Object>> deployable(String directory) {
        return deployable().get(directory);
    }

    /** {@code resources} and the secret templates, which no kustomization includes but every workload refers to. */
    static List<Map<String, Object>> withSecretTemplates(List<Map<String, Object>> resources) {
        List<Map<String, Object>> all = new ArrayList<>(resources);
        all.addAll(secretTemplates());
        return all;
    }

    static List<Map<String, Object>> secretTemplates() {
        return Repository.files(SECRET_TEMPLATES, ".yaml").stream()
                .flatMap(file -> Yaml.documents(file).stream())
                .toList();
    }

    static Map<String, Object> compose() {
        return Yaml.document(COMPOSE);
    }

    /** Compose services by name. */
    static Map<String, Map<String, Object>> composeServices() {
        Map<String, Map<String, Object>> services = new LinkedHashMap<>();
        Yaml.map(compose(), "services").forEach((name, service) -> services.put(name, Yaml.asMap(service)));
        return services;
    }

    /**
     * The environment a container starts with, by variable name: its own {@code env} entries and every key of the
     * ConfigMaps and Secrets its {@code envFrom} names, looked up in {@code resources}. Values from elsewhere
     * ({@code valueFrom}) are null.
     */
    static Map<String, String> environment(Map<String, Object> container, List<Map<String, Object>> resources) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (Map<String, Object> source : Yaml.maps(container, "envFrom")) {
            String configMap = Yaml.string(source, "configMapRef", "name");
            String secret = Yaml.string(source, "secretRef", "name");
            Map<String, Object> resource = configMap != null
                    ? Resources.named(resources, "ConfigMap", configMap)
                    : Resources.named(resources, "Secret", secret);
            Stream.of("data", "stringData")
                    .flatMap(field -> Yaml.map(resource, field).entrySet().stream())
                    .forEach(entry -> environment.put(entry.getKey(), String.valueOf(entry.getValue())));
        }
        for (Map<String, Object> variable : Yaml.maps(container, "env")) {
            environment.put(Yaml.string(variable, "name"), Yaml.string(variable, "value"));
        }
        return environment;
    }

    /** A compose service's environment, list or map form. */
    static Map<String, String> composeEnvironment(Map<String, Object> service) {
        Map<String, String> environment = new LinkedHashMap<>();
        Object value = service.get("environment");
        if (value instanceof Map<?, ?> map) {
            map.forEach((name, setting) -> environment.put(String.valueOf(name),
                    setting == null ? null : String.valueOf(setting)));
        } else if (value instanceof List<?> list) {
            for (Object entry : list) {
                String[] parts = String.valueOf(entry).split("=", 2);
                environment.put(parts[0], parts.length > 1 ? parts[1] : null);
            }
        }
        return environment;
    }
}
