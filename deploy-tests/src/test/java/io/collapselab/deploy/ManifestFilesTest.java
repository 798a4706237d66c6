package io.collapselab.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every manifest parses, names a kind the deployment is meant to use, and is part of something deployable. */
class ManifestFilesTest {

    private static final String KUSTOMIZATION = "kustomize.config.k8s.io/v1beta1 Kustomization";

    private static final Set<String> COMPOSE_TOP_LEVEL = Set.of("name", "services", "volumes", "networks");

    @Test
    void everyYamlFileParses() {
        List<Path> files = new ArrayList<>(Repository.files("k8s", ".yaml", ".yml"));
        files.addAll(Repository.files("docker", ".yaml", ".yml"));
        assertFalse(files.isEmpty());
        for (Path file : files) {
            assertFalse(Yaml.documents(file).isEmpty(), Repository.relative(file) + " holds no document");
        }
    }

    /**
     * Every resource in k8s/, patches included, is of a kind the versions the deployment targets serve (the rendered
     * resources are checked field by field in {@link SchemaValidationTest}).
     */
    @Test
    void everyResourceIsOfAServedKind() {
        for (Path file : Repository.files("k8s", ".yaml", ".yml")) {
            for (Map<String, Object> document : Yaml.documents(file)) {
                String apiVersion = Yaml.string(document, "apiVersion");
                String kind = Yaml.string(document, "kind");
                assertTrue(KUSTOMIZATION.equals(apiVersion + " " + kind)
                                || ResourceSchemas.PUBLISHED.serves(apiVersion, kind),
                        Repository.relative(file) + ": " + apiVersion + " " + kind + " is served by none of the"
                                + " versions the deployment targets");
            }
        }
    }

    @Test
    void everyManifestIsDeployedOrASecretTemplate() {
        Set<Path> used = new HashSet<>();
        for (String directory : Manifests.KUSTOMIZATIONS) {
            collectUsedFiles(Repository.path(directory), used);
        }
        used.addAll(Repository.files(Manifests.SECRET_TEMPLATES, ".yaml"));
        Set<String> unused = new TreeSet<>();
        for (Path file : Repository.files("k8s", ".yaml", ".yml")) {
            if (!used.contains(file)) {
                unused.add(Repository.relative(file));
            }
        }
        assertEquals(Set.of(), unused, "manifests that no deployable kustomization includes");
    }

    @Test
    void kustomizationsRenderEachResourceOnce() {
        Manifests.deployable().forEach((directory, resources) -> {
            assertFalse(resources.isEmpty(), directory + " renders nothing");
            Set<String> seen = new HashSet<>();
            for (Map<String, Object> resource : resources) {
                assertTrue(seen.add(Resources.id(resource)), directory + " renders " + Resources.id(resource)
                        + " twice");
            }
        });
    }

    @Test
    void composeFileUsesOnlyComposeTopLevelKeys() {
        for (String key : Manifests.compose().keySet()) {
            assertTrue(COMPOSE_TOP_LEVEL.contains(key) || key.startsWith("x-"),
                    "docker-compose.yml: unexpected top-level key " + key);
        }
    }

    private static void collectUsedFiles(Path directory, Set<Path> used) {
        Path kustomization = directory.resolve("kustomization.yaml");
        used.add(kustomization);
        Map<String, Object> content = Yaml.document(kustomization);
        for (String entry : Yaml.strings(content, "resources")) {
            Path path = directory.resolve(entry).normalize();
            if (Files.isDirectory(path)) {
                collectUsedFiles(path, used);
            } else {
                used.add(path);
            }
        }
        for (Map<String, Object> patch : Yaml.maps(content, "patches")) {
            used.add(directory.resolve(Yaml.string(patch, "path")).normalize());
        }
    }
}
