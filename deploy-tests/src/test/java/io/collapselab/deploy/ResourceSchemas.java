package io.collapselab.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The published schemas of every kind the deployment may use, of the versions docs/deployment.md names: Kubernetes'
 * own OpenAPI definitions and the CRDs of Strimzi, KEDA and the MinIO operator, kept under
 * {@code src/test/resources/schemas/} (its README says where each comes from). A resource is checked against them
 * strictly, as {@code kubectl apply --validate=strict} would on a cluster: a field its schema does not declare is an
 * error, not silently dropped, and so are wrong types, values outside an enum or a pattern, and missing required
 * fields. CEL rules ({@code x-kubernetes-validations}) and string formats are left to the API server.
 */
final class ResourceSchemas {

    /** The schemas of the versions the deployment is validated against. */
    static final ResourceSchemas PUBLISHED = new ResourceSchemas(
            "schemas/kubernetes-1.35/definitions.json",
            List.of("schemas/strimzi-1.0.1/040-Crd-kafka.yaml",
                    "schemas/strimzi-1.0.1/045-Crd-kafkanodepool.yaml",
                    "schemas/strimzi-1.0.1/043-Crd-kafkatopic.yaml",
                    "schemas/strimzi-1.0.1/044-Crd-kafkauser.yaml",
                    "schemas/keda-2.20.2/keda.sh_scaledobjects.yaml",
                    "schemas/keda-2.20.2/keda.sh_triggerauthentications.yaml",
                    "schemas/minio-operator-7.1.1/minio.min.io_tenants.yaml"));

    private static final String DEFINITIONS = "#/definitions/";
    private static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    private static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";

    private final Map<String, Object> definitions;
    /** Root schema by "apiVersion kind". */
    private final Map<String, Map<String, Object>> kinds = new HashMap<>();
    private final Map<String, Pattern> patterns = new HashMap<>();

    private ResourceSchemas(String kubernetesDefinitions, List<String> customResourceDefinitions) {
        definitions = new LinkedHashMap<>(Yaml.map(Yaml.documents(resource(kubernetesDefinitions),
                kubernetesDefinitions).get(0), "definitions"));
        // The API server reads a quantity ("500m", "4Gi") from a string or a number; the definition says string only.
        definitions.put(QUANTITY, Map.of("anyOf", List.of(Map.of("type", "string"), Map.of("type", "number"))));
        definitions.forEach((name, definition) -> {
            for (Map<String, Object> kind : Yaml.maps(definition, "x-kubernetes-group-version-kind")) {
                String group = Yaml.string(kind, "group");
                String version = Yaml.string(kind, "version");
                kinds.put(key(group.isEmpty() ? version : group + "/" + version, Yaml.string(kind, "kind")),
                        Map.of("$ref", DEFINITIONS + name));
            }
        });
        for (String file : customResourceDefinitions) {
            Map<String, Object> crd = Yaml.documents(resource(file), file).get(0);
            String group = Yaml.string(crd, "spec", "group");
            String kind = Yaml.string(crd, "spec", "names", "kind");
            for (Map<String, Object> version : Yaml.maps(crd, "spec", "versions")) {
                if (Boolean.TRUE.equals(version.get("served"))) {
                    Map<String, Object> schema = Yaml.copy(Yaml.map(version, "schema", "openAPIV3Schema"));
                    // A CRD declares metadata as a bare object; the API server checks it as every kind's ObjectMeta.
                    Yaml.map(schema, "properties").put("metadata", Map.of("$ref", DEFINITIONS + OBJECT_META));
                    kinds.put(key(group + "/" + Yaml.string(version, "name"), kind), schema);
                }
            }
        }
    }

    /** Whether the targeted versions serve {@code kind} in {@code apiVersion}. */
    boolean serves(String apiVersion, String kind) {
        return kinds.containsKey(key(apiVersion, kind));
    }

    /** Everything wrong with {@code resource} by its schema, each with the path of the field; empty if nothing. */
    List<String> violations(Map<String, Object> resource) {
        String apiVersion = Yaml.string(resource, "apiVersion");
        String kind = Yaml.string(resource, "kind");
        Map<String, Object> schema = kinds.get(key(apiVersion, kind));
        if (schema == null) {
            return List.of(apiVersion + " " + kind + ": no such kind in the versions the deployment targets"
                    + " (Kubernetes 1.35, Strimzi 1.0.1, KEDA 2.20.2, MinIO operator 7.1.1)");
        }
        List<String> violations = new ArrayList<>();
        check(schema, resource, kind, violations);
        return violations;
    }

    private void check(Object schemaNode, Object value, String path, List<String> violations) {
        Map<String, Object> schema = resolve(schemaNode);
        if (value == null) {
            if (!Boolean.TRUE.equals(schema.get("nullable"))) {
                violations.add(path + ": null is not allowed");
            }
            return;
        }
        for (Map<String, Object> part : Yaml.maps(schema, "allOf")) {
            check(part, value, path, violations);
        }
        checkAlternatives(schema, value, path, violations);
        if (Boolean.TRUE.equals(schema.get("x-kubernetes-int-or-string")) || "int-or-string".equals(
                schema.get("format"))) {
            if (!(value instanceof String || isInteger(value))) {
                violations.add(path + ": must be an integer or a string, is " + describe(value));
            }
            return;
        }
        Object type = schema.get("type");
        if (type != null && !hasType(value, String.valueOf(type))) {
            violations.add(path + ": must be " + type + ", is " + describe(value));
            return;
        }
        List<?> allowed = schema.get("enum") instanceof List<?> list ? list : null;
        if (allowed != null && allowed.stream().noneMatch(option -> Objects.equals(String.valueOf(option),
                String.valueOf(value)))) {
            violations.add(path + ": " + value + " is not one of " + allowed);
        }
        if (value instanceof Map<?, ?> map) {
            checkObject(schema, Yaml.asMap(map), path, violations);
        } else if (value instanceof List<?> list) {
            checkArray(schema, list, path, violations);
        } else if (value instanceof String text) {
            checkString(schema, text, path, violations);
        } else if (value instanceof Number number) {
            checkNumber(schema, number, path, violations);
        }
    }

    private void checkAlternatives(Map<String, Object> schema, Object value, String path, List<String> violations) {
        List<Map<String, Object>> anyOf = Yaml.maps(schema, "anyOf");
        if (!anyOf.isEmpty() && anyOf.stream().noneMatch(option -> passes(option, value, path))) {
            violations.add(path + ": matches none of its " + anyOf.size() + " alternatives (anyOf)");
        }
        List<Map<String, Object>> oneOf = Yaml.maps(schema, "oneOf");
        if (!oneOf.isEmpty()) {
            long matching = oneOf.stream().filter(option -> passes(option, value, path)).count();
            if (matching != 1) {
                violations.add(path + ": must match exactly one of its " + oneOf.size() + " alternatives (oneOf), matches "
                        + matching);
            }
        }
        if (schema.get("not") != null && passes(schema.get("not"), value, path)) {
            violations.add(path + ": matches what its schema excludes (not)");
        }
    }

    private void checkObject(Map<String, Object> schema, Map<String, Object> object, String path,
                             List<String> violations) {
        Map<String, Object> properties = Yaml.map(schema, "properties");
        Object additional = schema.get("additionalProperties");
        // Where a schema lists no fields at all (RawExtension, a CRD's preserved block), any field is accepted.
        boolean open = Boolean.TRUE.equals(additional)
                || Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"))
                || (properties.isEmpty() && additional == null);
        for (Map.Entry<String, Object> field : object.entrySet()) {
            String where = path + "." + field.getKey();
            if (properties.containsKey(field.getKey())) {
                check(properties.get(field.getKey()), field.getValue(), where, violations);
            } else if (additional instanceof Map<?, ?>) {
                check(additional, field.getValue(), where, violations);
            } else if (!open) {
                violations.add(where + ": unknown field (known: " + properties.keySet() + ")");
            }
        }
        for (String required : Yaml.strings(schema, "required")) {
            if (!object.containsKey(required)) {
                violations.add(path + ": required field " + required + " is missing");
            }
        }
    }

    private void checkArray(Map<String, Object> schema, List<?> list, String path, List<String> violations) {
        Object items = schema.get("items");
        for (int i = 0; items != null && i < list.size(); i++) {
            check(items, list.get(i), path + "[" + i + "]", violations);
        }
        if (schema.get("minItems") instanceof Number min && list.size() < min.longValue()) {
            violations.add(path + ": needs at least " + min + " items, has " + list.size());
        }
        if (schema.get("maxItems") instanceof Number max && list.size() > max.longValue()) {
            violations.add(path + ": allows at most " + max + " items, has " + list.size());
        }
    }

    private void checkString(Map<String, Object> schema, String text, String path, List<String> violations) {
        if (schema.get("pattern") instanceof String pattern
                && !patterns.computeIfAbsent(pattern, Pattern::compile).matcher(text).find()) {
            violations.add(path + ": '" + text + "' does not match " + pattern);
        }
        if (schema.get("maxLength") instanceof Number max && text.length() > max.longValue()) {
            violations.add(path + ": longer than " + max + " characters");
        }
        if (schema.get("minLength") instanceof Number min && text.length() < min.longValue()) {
            violations.add(path + ": shorter than " + min + " characters");
        }
    }

    private static void checkNumber(Map<String, Object> schema, Number number, String path, List<String> violations) {
        if (schema.get("minimum") instanceof Number min && number.doubleValue() < min.doubleValue()) {
            violations.add(path + ": " + number + " is below the minimum " + min);
        }
        if (schema.get("maximum") instanceof Number max && number.doubleValue() > max.doubleValue()) {
            violations.add(path + ": " + number + " is above the maximum " + max);
        }
    }

    private boolean passes(Object schema, Object value, String path) {
        List<String> violations = new ArrayList<>();
        check(schema, value, path, violations);
        return violations.isEmpty();
    }

    private Map<String, Object> resolve(Object schemaNode) {
        Map<String, Object> schema = Yaml.asMap(schemaNode);
        Object ref = schema.get("$ref");
        if (ref == null) {
            return schema;
        }
        String name = String.valueOf(ref).substring(DEFINITIONS.length());
        Object definition = definitions.get(name);
        if (definition == null) {
            throw new IllegalStateException("schema refers to " + ref + ", which the Kubernetes definitions lack");
        }
        return resolve(definition);
    }

    private static boolean hasType(Object value, String type) {
        return switch (type) {
            case "object" -> value instanceof Map<?, ?>;
            case "array" -> value instanceof List<?>;
            case "string" -> value instanceof String;
            case "integer" -> isInteger(value);
            case "number" -> value instanceof Number;
            case "boolean" -> value instanceof Boolean;
            default -> throw new IllegalStateException("schema type " + type + " is not a type of OpenAPI");
        };
    }

    private static boolean isInteger(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger;
    }

    private static String describe(Object value) {
        return value instanceof Map<?, ?> ? "an object" : value instanceof List<?> ? "a list"
                : value.getClass().getSimpleName().toLowerCase() + " " + value;
    }

    private static String key(String apiVersion, String kind) {
        return apiVersion + " " + kind;
    }

    /** The text of a file on the test class path. */
    static String resource(String name) {
        try (InputStream in = ResourceSchemas.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("schema " + name + " is not on the test class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + name, e);
        }
    }
}
