package io.collapselab.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Accessors for Kubernetes resources held as YAML maps. */
final class Resources {

    private Resources() {
    }

    static String kind(Map<String, Object> resource) {
        return Yaml.string(resource, "kind");
    }

    static String name(Map<String, Object> resource) {
        String name = Yaml.string(resource, "metadata", "name");
        return name != null ? name : Yaml.string(resource, "metadata", "generateName");
    }

    static String namespace(Map<String, Object> resource) {
        return Yaml.string(resource, "metadata", "namespace");
    }

    /** {@code Kind/name}, for messages. */
    static String id(Map<String, Object> resource) {
        return kind(resource) + "/" + name(resource);
    }

    static List<Map<String, Object>> ofKind(List<Map<String, Object>> resources, String kind) {
        return resources.stream().filter(resource -> kind.equals(kind(resource))).toList();
    }

    static Map<String, Object> named(List<Map<String, Object>> resources, String kind, String name) {
        List<Map<String, Object>> matches = ofKind(resources, kind).stream()
                .filter(resource -> name.equals(name(resource)))
                .toList();
        if (matches.size() != 1) {
            throw new AssertionError("expected one " + kind + "/" + name + ", found " + matches.size());
        }
        return matches.get(0);
    }

    /** The pod template of a workload, or null for resources that run no pods of their own. */
    static Map<String, Object> podTemplate(Map<String, Object> resource) {
        return switch (kind(resource)) {
            case "Deployment", "StatefulSet", "DaemonSet", "Job" -> Yaml.map(resource, "spec", "template");
            case "CronJob" -> Yaml.map(resource, "spec", "jobTemplate", "spec", "template");
            default -> null;
        };
    }

    /** Every resource that runs pods. */
    static List<Map<String, Object>> workloads(List<Map<String, Object>> resources) {
        return resources.stream().filter(resource -> podTemplate(resource) != null).toList();
    }

    /** Containers and init containers of a workload's pods. */
    static List<Map<String, Object>> containers(Map<String, Object> workload) {
        Map<String, Object> template = podTemplate(workload);
        List<Map<String, Object>> containers = new ArrayList<>(Yaml.maps(template, "spec", "containers"));
        containers.addAll(Yaml.maps(template, "spec", "initContainers"));
        return containers;
    }
}
