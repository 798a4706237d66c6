package io.collapselab.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Renders a kustomization the way {@code kustomize build} does, for the part of kustomize that k8s/ uses: resources
 * (files and directories), strategic-merge patches, the image transformer and the namespace. Any other field, and
 * any patch whose merge semantics are not modelled here, fails the rendering instead of being misread, so that what
 * the checks verify is what a cluster would receive.
 */
final class Kustomize {

    private static final Set<String> SUPPORTED_FIELDS =
            Set.of("apiVersion", "kind", "namespace", "resources", "images", "patches");

    /** Kinds without a namespace; kustomize leaves them alone. */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PersistentVolume", "StorageClass", "PriorityClass");

    /**
     * Lists a strategic-merge patch may set, and how kubectl merges them: containers by name (their patch merge key)
     * and tolerations by replacement (the pod spec declares no merge strategy for them).
     */
    private static final Set<String> MERGED_BY_NAME = Set.of("containers", "initContainers");
    private static final Set<String> REPLACED = Set.of("tolerations");

    private Kustomize() {
    }

    /** The resources {@code kustomize build DIRECTORY} would print, in order. */
    static List<Map<String, Object>> build(String directory) {
        return build(Repository.path(directory));
    }

    static List<Map<String, Object>> build(Path directory) {
        Path file = directory.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new AssertionError(Repository.relative(directory) + " has no kustomization.yaml");
        }
        Map<String, Object> kustomization = Yaml.document(file);
        for (String field : kustomization.keySet()) {
            if (!SUPPORTED_FIELDS.contains(field)) {
                throw new AssertionError(Repository.relative(file) + " uses '" + field + "', which these checks do"
                        + " not render; extend Kustomize or express it with " + SUPPORTED_FIELDS);
            }
        }

        List<Map<String, Object>> resources = new ArrayList<>();
        for (String entry : Yaml.strings(kustomization, "resources")) {
            Path path = directory.resolve(entry).normalize();
            resources.addAll(Files.isDirectory(path) ? build(path) : Yaml.documents(path));
        }
        for (Map<String, Object> patch : Yaml.maps(kustomization, "patches")) {
            if (!patch.keySet().equals(Set.of("path"))) {
                throw new AssertionError(Repository.relative(file) + ": only patches given by 'path' alone are"
                        + " rendered, not " + patch.keySet());
            }
            Path path = directory.resolve(Yaml.string(patch, "path")).normalize();
            applyPatch(resources, Yaml.document(path), Repository.relative(path));
        }
        for (Map<String, Object> image : Yaml.maps(kustomization, "images")) {
            setImage(resources, image);
        }
        String namespace = Yaml.string(kustomization, "namespace");
        if (namespace != null) {
            for (Map<String, Object> resource : resources) {
                if (!CLUSTER_SCOPED.contains(Resources.kind(resource))) {
                    Yaml.asMap(resource.computeIfAbsent("metadata", key -> new LinkedHashMap<>()))
                            .put("namespace", namespace);
                }
            }
        }
        return resources;
    }

    private static void applyPatch(List<Map<String, Object>> resources, Map<String, Object> patch, String source) {
        List<Map<String, Object>> targets = resources.stream()
                .filter(resource -> Objects.equals(Resources.kind(resource), Resources.kind(patch)))
                .filter(resource -> Objects.equals(Resources.name(resource), Resources.name(patch)))
                .toList();
        if (targets.size() != 1) {
            throw new AssertionError(source + " patches " + Resources.id(patch) + ", which matches "
                    + targets.size() + " resources");
        }
        merge(targets.get(0), patch, Resources.id(patch));
    }

    private static void merge(Map<String, Object> target, Map<String, Object> patch, String path) {
        for (Map.Entry<String, Object> entry : patch.entrySet()) {
            String key = entry.getKey();
            String where = path + "." + key;
            Object value = entry.getValue();
            if (key.startsWith("$") || value == null) {
                throw new AssertionError(where + ": patch directives and deletions are not rendered");
            }
            Object existing = target.get(key);
            if (value instanceof Map<?, ?> map) {
                if (existing instanceof Map<?, ?> existingMap) {
                    merge(Yaml.asMap(existingMap), Yaml.asMap(map), where);
                } else {
                    target.put(key, Yaml.copy(value));
                }
            } else if (value instanceof List<?> list) {
                if (MERGED_BY_NAME.contains(key)) {
                    target.put(key, mergeByName(existing, list, where));
                } else if (REPLACED.contains(key)) {
                    target.put(key, Yaml.copy(value));
                } else {
                    throw new AssertionError(where + ": how kubectl merges this list is not modelled here");
                }
            } else {
                target.put(key, value);
            }
        }
    }

    private static List<Object> mergeByName(Object existing, List<?> patchItems, String path) {
        List<Object> merged = new ArrayList<>(existing instanceof List<?> list ? list : List.of());
        for (Object item : patchItems) {
            Map<String, Object> patchItem = Yaml.asMap(item);
            Object name = patchItem.get("name");
            Map<String, Object> match = merged.stream()
                    .map(Yaml::asMap)
                    .filter(candidate -> Objects.equals(candidate.get("name"), name))
                    .findFirst()
                    .orElse(null);
            if (match == null) {
                merged.add(Yaml.copy(patchItem));
            } else {
                merge(match, patchItem, path + "[" + name + "]");
            }
        }
        return merged;
    }

    /** kustomize's image transformer: matches containers by image name, ignoring tag and digest. */
    private static void setImage(List<Map<String, Object>> resources, Map<String, Object> rule) {
        String name = Yaml.string(rule, "name");
        String newName = Yaml.string(rule, "newName");
        String newTag = Yaml.string(rule, "newTag");
        for (Map<String, Object> workload : Resources.workloads(resources)) {
            for (Map<String, Object> container : Resources.containers(workload)) {
                ImageReference image = ImageReference.parse(Yaml.string(container, "image"));
                if (image.name().equals(name)) {
                    container.put("image", new ImageReference(
                            newName != null ? newName : image.name(),
                            newTag != null ? newTag : image.tag(),
                            image.digest()).toString());
                }
            }
        }
    }
}
