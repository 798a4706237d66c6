package io.collapselab.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.events.kafka.KafkaRole;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Who may write what on the cluster is events' {@link KafkaRole} table, as on the local stack: one KafkaUser per role
 * with exactly its ACLs, a listener that lets nobody in without signing in, every workload signed in as its role,
 * and a MinIO policy per role that adds only that role's objects.
 */
class KafkaUsersTest {

    /** Read by KEDA's scaler only to measure lag; not a role of the system. */
    private static final String KEDA_USER = "keda";
    private static final Map<String, KafkaRole> SERVICE_ROLES = Map.of(
            "trainer-service", KafkaRole.TRAINER,
            "generator-service", KafkaRole.GENERATOR,
            "evaluator-service", KafkaRole.EVALUATOR);

    private static List<Map<String, Object>> cluster() {
        return Manifests.deployable(Manifests.CPU);
    }

    @ParameterizedTest
    @EnumSource(KafkaRole.class)
    void eachRolesKafkaUserAllowsExactlyItsTopicsAndGroups(KafkaRole role) {
        Map<String, Object> user = Resources.named(cluster(), "KafkaUser", role.user());
        assertEquals("scram-sha-512", Yaml.string(user, "spec", "authentication", "type"));
        assertEquals("simple", Yaml.string(user, "spec", "authorization", "type"));

        Set<String> expected = new TreeSet<>();
        role.writes().forEach(topic -> expected.add("allow topic " + topic + " literal [Describe, Write]"));
        role.reads().forEach(topic -> expected.add("allow topic " + topic + " literal [Describe, Read]"));
        role.groupPrefixes().forEach(group -> expected.add("allow group " + group + " prefix [Read]"));
        assertEquals(expected, acls(user), Resources.id(user) + " against KafkaRole." + role);
    }

    @Test
    void theOnlyOtherUserIsKedaWhichMayOnlyDescribe() {
        Set<String> users = Resources.ofKind(cluster(), "KafkaUser").stream().map(Resources::name)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> expected = Arrays.stream(KafkaRole.values()).map(KafkaRole::user)
                .collect(Collectors.toCollection(TreeSet::new));
        expected.add(KEDA_USER);
        assertEquals(expected, users);
        for (String acl : acls(Resources.named(cluster(), "KafkaUser", KEDA_USER))) {
            assertTrue(acl.endsWith("[Describe]"), acl);
        }
    }

    @Test
    void everyListenerAuthenticatesAndTheBrokersAuthorize() {
        Map<String, Object> kafka = Resources.ofKind(cluster(), "Kafka").get(0);
        List<Map<String, Object>> listeners = Yaml.maps(kafka, "spec", "kafka", "listeners");
        assertFalse(listeners.isEmpty());
        for (Map<String, Object> listener : listeners) {
            assertEquals("scram-sha-512", Yaml.string(listener, "authentication", "type"),
                    "listener " + Yaml.string(listener, "name"));
        }
        assertEquals("simple", Yaml.string(kafka, "spec", "kafka", "authorization", "type"));
        assertTrue(Yaml.map(kafka, "spec", "entityOperator").containsKey("userOperator"),
                "the User Operator creates the KafkaUsers' Secrets");
        Map<String, Object> config = Resources.named(cluster(), "ConfigMap", "collapse-config");
        assertEquals("SASL_PLAINTEXT", Yaml.string(config, "data", "KAFKA_SECURITY_PROTOCOL"));
        assertEquals("SCRAM-SHA-512", Yaml.string(config, "data", "KAFKA_SASL_MECHANISM"));
    }

    @Test
    void eachWorkloadSignsInAsItsRoleToKafkaAndToMinio() {
        Map<String, KafkaRole> expected = new TreeMap<>();
        SERVICE_ROLES.forEach((service, role) -> expected.put("Deployment/" + service, role));
        expected.put("Job/collapse-audit", KafkaRole.AUDITOR);
        List<Map<String, Object>> workloads = new ArrayList<>(Resources.workloads(cluster()));
        workloads.addAll(Resources.workloads(Manifests.deployable(Manifests.AUDIT)));
        Map<String, KafkaRole> found = new TreeMap<>();
        for (Map<String, Object> workload : workloads) {
            for (Map<String, Object> container : Resources.containers(workload)) {
                for (Map<String, Object> variable : Yaml.maps(container, "env")) {
                    if (!"KAFKA_SASL_JAAS_CONFIG".equals(Yaml.string(variable, "name"))) {
                        continue;
                    }
                    String secret = Yaml.string(variable, "valueFrom", "secretKeyRef", "name");
                    assertEquals("sasl.jaas.config", Yaml.string(variable, "valueFrom", "secretKeyRef", "key"));
                    KafkaRole role = KafkaRole.valueOf(secret.toUpperCase(Locale.ROOT));
                    found.put(Resources.kind(workload) + "/" + Resources.name(workload), role);
                    List<String> s3Secrets = Yaml.maps(container, "envFrom").stream()
                            .map(source -> Yaml.string(source, "secretRef", "name")).filter(name -> name != null)
                            .toList();
                    assertEquals(List.of("collapse-s3-" + role.user()), s3Secrets, Resources.id(workload));
                }
            }
        }
        assertEquals(expected, found, "workloads and the KafkaUser each signs in as");
    }

    @ParameterizedTest
    @EnumSource(KafkaRole.class)
    void eachRolesMinioPolicyReadsTheBucketAndAddsOnlyItsOwnObjects(KafkaRole role) throws Exception {
        Map<String, Object> policies = Resources.named(cluster(), "ConfigMap", "collapse-s3-policies");
        String bucket = Yaml.string(Resources.named(cluster(), "ConfigMap", "collapse-config"), "data",
                "COLLAPSE_S3_BUCKET");
        JsonNode policy = new ObjectMapper().readTree(Yaml.string(policies, "data", role.user() + ".json"));
        Set<String> writable = new TreeSet<>();
        Set<String> readable = new TreeSet<>();
        Set<String> deletable = new TreeSet<>();
        for (JsonNode statement : policy.get("Statement")) {
            assertEquals("Allow", statement.get("Effect").asText());
            Set<String> actions = new TreeSet<>();
            statement.get("Action").forEach(action -> actions.add(action.asText()));
            assertFalse(actions.contains("s3:*"), role + " may do anything: " + actions);
            boolean deletes = actions.stream().anyMatch(action -> action.contains("Delete"));
            assertTrue(!deletes || actions.equals(Set.of("s3:DeleteObject")),
                    role + " deletes beside other actions, or deletes more than objects: " + actions);
            for (JsonNode resource : statement.get("Resource")) {
                String arn = resource.asText();
                assertTrue(arn.equals("arn:aws:s3:::" + bucket) || arn.startsWith("arn:aws:s3:::" + bucket + "/"),
                        role + " reaches beyond bucket " + bucket + ": " + arn);
                String key = arn.equals("arn:aws:s3:::" + bucket) ? "" : arn.substring(("arn:aws:s3:::" + bucket
                        + "/").length());
                (actions.contains("s3:DeleteObject") ? deletable
                        : actions.contains("s3:PutObject") ? writable : readable).add(key);
            }
        }
        assertEquals(Set.of("", "*"), readable, role + " reads the bucket and its objects");
        assertEquals(OWN_OBJECTS.get(role), writable, role + " adds only its own objects");
        assertEquals(role == KafkaRole.TRAINER ? CHECKPOINT_OBJECTS : Set.of(), deletable,
                role + " removes only what a retention policy lets go, and only the trainer does");
    }

    private static final String GENERATION = "runs/*/gen-*/";
    private static final String PROBE = "collapse-lab/conditional-write-probe";
    private static final String RUN_COMPLETED = GENERATION + "run-completed-event.json";
    /** A generation's checkpoint: its weights and its training state. */
    private static final Set<String> CHECKPOINT_OBJECTS = Set.of(GENERATION + "checkpoint.bin",
            GENERATION + "training-state.bin");
    /** What each role writes, from the object layout of docs/design.md. */
    private static final Map<KafkaRole, Set<String>> OWN_OBJECTS = Map.of(
            KafkaRole.TRAINER, Set.of(GENERATION + "checkpoint.bin", GENERATION + "training-state.bin",
                    GENERATION + "checkpoint-event.json", RUN_COMPLETED, PROBE),
            KafkaRole.GENERATOR, Set.of(GENERATION + "corpus.txt", GENERATION + "corpus-tokens.bin",
                    GENERATION + "corpus-event.json", RUN_COMPLETED, PROBE),
            KafkaRole.EVALUATOR, Set.of(GENERATION + "heldout-evaluation.json", GENERATION
                    + "corpus-evaluation.json", GENERATION + "evaluation-event.json", RUN_COMPLETED, PROBE),
            KafkaRole.SUBMITTER, Set.of("runs/*/inputs/*", "models/*", PROBE),
            KafkaRole.AUDITOR, Set.of());

    /** A KafkaUser's ACLs as {@code allow TYPE NAME PATTERN [OPERATIONS]}, operations sorted. */
    private static Set<String> acls(Map<String, Object> user) {
        Set<String> acls = new TreeSet<>();
        for (Map<String, Object> acl : Yaml.maps(user, "spec", "authorization", "acls")) {
            String type = Yaml.string(acl, "type");
            String pattern = Yaml.string(acl, "resource", "patternType");
            acls.add((type == null ? "allow" : type) + " " + Yaml.string(acl, "resource", "type") + " "
                    + Yaml.string(acl, "resource", "name") + " " + (pattern == null ? "literal" : pattern) + " "
                    + new TreeSet<>(Yaml.strings(acl, "operations")));
        }
        return acls;
    }
}
