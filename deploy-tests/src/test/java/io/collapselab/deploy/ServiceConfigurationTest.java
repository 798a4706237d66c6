package io.collapselab.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every environment variable and system property the manifests and the compose file give a collapse-lab process is
 * one that process reads, so that a misspelt or stale setting fails here instead of being silently ignored.
 */
class ServiceConfigurationTest {

    /** Variables that configure a service through Quarkus's configuration, and so must name one of its keys. */
    private static final Pattern CONFIGURATION = Pattern.compile("(COLLAPSE|KAFKA|QUARKUS|MP|SMALLRYE)_.*");

    /** Variables read by the process's runtime rather than by Quarkus, with who reads them. */
    private static final Map<String, String> PROCESS_VARIABLES = Map.of(
            "JAVA_TOOL_OPTIONS", "the JVM",
            "MKL_DYNAMIC", "oneMKL (docs/determinism.md)",
            "OMP_DYNAMIC", "OpenMP (docs/determinism.md)",
            "MKL_CBWR", "oneMKL (docs/determinism.md)",
            "GLIBC_TUNABLES", "glibc's allocator (docs/performance.md)",
            "DJL_CACHE_DIR", "DJL",
            "DJL_OFFLINE", "DJL",
            "PYTORCH_FLAVOR", "DJL's PyTorch engine");

    /** System properties of DJL's own, e.g. ai.djl.pytorch.num_threads. */
    private static final String DJL_PROPERTY_PREFIX = "ai.djl.";

    private static final Path CLI_SOURCES = Repository.path("cli/src/main/java");

    @ParameterizedTest
    @FieldSource("io.collapselab.deploy.ServiceConfiguration#SERVICES")
    void kubernetesSetsOnlySettingsTheServiceReads(String service) {
        ServiceConfiguration configuration = ServiceConfiguration.load(service);
        List<Map<String, String>> environments = new ArrayList<>();
        for (List<Map<String, Object>> rendered : Manifests.deployable().values()) {
            List<Map<String, Object>> resources = Manifests.withSecretTemplates(rendered);
            for (Map<String, Object> workload : Resources.workloads(resources)) {
                for (Map<String, Object> container : Resources.containers(workload)) {
                    if (service.equals(Images.service(ImageReference.parse(Yaml.string(container, "image"))))) {
                        environments.add(Manifests.environment(container, resources));
                    }
                }
            }
        }
        assertFalse(environments.isEmpty(), "no Kubernetes workload runs " + service);
        List<String> problems = new ArrayList<>();
        environments.forEach(environment -> problems.addAll(problems(environment, configuration)));
        assertEquals(List.of(), problems.stream().distinct().toList(), service + " on Kubernetes");
    }

    @ParameterizedTest
    @FieldSource("io.collapselab.deploy.ServiceConfiguration#SERVICES")
    void composeSetsOnlySettingsTheServiceReads(String service) {
        ServiceConfiguration configuration = ServiceConfiguration.load(service);
        List<String> problems = new ArrayList<>();
        int found = 0;
        for (Map<String, Object> composeService : Manifests.composeServices().values()) {
            if (service.equals(Images.service(ImageReference.parse(Yaml.string(composeService, "image"))))) {
                found++;
                problems.addAll(problems(Manifests.composeEnvironment(composeService), configuration));
            }
        }
        assertEquals(1, found, "compose services running " + service);
        assertEquals(List.of(), problems, service + " in docker-compose.yml");
    }

    /** The environment the service images set themselves (their runtime stage's ENV instructions). */
    @ParameterizedTest
    @FieldSource("io.collapselab.deploy.ServiceConfiguration#SERVICES")
    void imagesSetOnlySettingsTheServiceReads(String service) {
        ServiceConfiguration configuration = ServiceConfiguration.load(service);
        List<String> problems = new ArrayList<>();
        for (String dockerfile : List.of("docker/service.Dockerfile", "docker/service-cuda.Dockerfile")) {
            Map<String, String> environment = new LinkedHashMap<>(Dockerfiles.runtimeEnvironment(dockerfile));
            // The base images' own variables, which the CUDA image extends.
            environment.remove("JAVA_HOME");
            environment.remove("PATH");
            problems.addAll(problems(environment, configuration).stream().map(p -> dockerfile + ": " + p).toList());
        }
        assertEquals(List.of(), problems, service + " images");
    }

    /**
     * The CLI is no Quarkus application: it reads its environment by name. Every variable its containers get must be
     * a name its sources spell out. This needs the CLI's audit command, which runs against a cluster.
     */
    @Test
    void cliContainersGetOnlyVariablesTheCliReads() {
        String sources = cliSources();
        Assumptions.assumeTrue(sources.contains("name = \"audit\""), "the CLI has no audit command yet, so what it"
                + " reads from its environment cannot be checked against the audit job and the compose cli service");
        Map<String, Map<String, String>> environments = new LinkedHashMap<>();
        Manifests.deployable().forEach((directory, rendered) -> {
            List<Map<String, Object>> resources = Manifests.withSecretTemplates(rendered);
            // The audit job runs in a cluster deployed from an overlay and takes its ConfigMap and Secret from there.
            List<Map<String, Object>> context = new ArrayList<>(resources);
            if (directory.equals(Manifests.AUDIT)) {
                context.addAll(Manifests.deployable(Manifests.CPU));
            }
            for (Map<String, Object> workload : Resources.workloads(resources)) {
                for (Map<String, Object> container : Resources.containers(workload)) {
                    if (isCli(Yaml.string(container, "image"))) {
                        environments.put(directory + " " + Resources.id(workload),
                                Manifests.environment(container, context));
                    }
                }
            }
        });
        Manifests.composeServices().forEach((name, service) -> {
            if (isCli(Yaml.string(service, "image"))) {
                environments.put("compose " + name, Manifests.composeEnvironment(service));
            }
        });
        assertFalse(environments.isEmpty(), "nothing runs the CLI image");
        List<String> problems = new ArrayList<>();
        environments.forEach((where, environment) -> environment.keySet().forEach(name -> {
            boolean read = CONFIGURATION.matcher(name).matches()
                    ? sources.contains("\"" + name + "\"")
                    : PROCESS_VARIABLES.containsKey(name);
            if (!read) {
                problems.add(where + ": " + name + " is read neither by the CLI nor by its runtime");
            }
        }));
        assertEquals(List.of(), problems);
    }

    private static List<String> problems(Map<String, String> environment, ServiceConfiguration configuration) {
        List<String> problems = new ArrayList<>();
        environment.forEach((name, value) -> {
            if (CONFIGURATION.matcher(name).matches()) {
                if (!configuration.acceptsEnvironmentVariable(name)) {
                    problems.add(name + " maps to no configuration key of " + configuration.module()
                            + " (expected one of " + configuration.environmentNames() + ")");
                }
            } else if (!PROCESS_VARIABLES.containsKey(name)) {
                problems.add(name + " is neither configuration of " + configuration.module()
                        + " nor a variable its runtime reads " + PROCESS_VARIABLES.keySet());
            }
            if (name.equals("JAVA_TOOL_OPTIONS") && value != null) {
                problems.addAll(jvmOptionProblems(value, configuration));
            }
        });
        return problems;
    }

    /** -D options set configuration keys (Quarkus reads system properties) or DJL's own properties. */
    private static List<String> jvmOptionProblems(String options, ServiceConfiguration configuration) {
        List<String> problems = new ArrayList<>();
        for (String option : options.trim().split("\\s+")) {
            if (option.startsWith("-D")) {
                String key = option.substring(2).split("=", 2)[0];
                if (!key.startsWith(DJL_PROPERTY_PREFIX) && !configuration.acceptsKey(key)) {
                    problems.add("JAVA_TOOL_OPTIONS sets -D" + key + ", which " + configuration.module()
                            + " does not read");
                }
            } else if (!option.startsWith("-X")) {
                problems.add("JAVA_TOOL_OPTIONS holds " + option + ", neither a system property nor a JVM option");
            }
        }
        return problems;
    }

    private static boolean isCli(String image) {
        ImageReference reference = ImageReference.parse(image);
        return Images.ours(reference) && Images.build(reference).dockerfile().equals("docker/cli.Dockerfile");
    }

    private static String cliSources() {
        if (!Files.isDirectory(CLI_SOURCES)) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        Repository.files("cli/src/main/java", ".java").forEach(file -> text.append(Repository.read(file)));
        return text.toString();
    }
}
