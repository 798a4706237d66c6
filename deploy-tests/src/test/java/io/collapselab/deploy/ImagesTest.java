package io.collapselab.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.lm.ComputeEnvironment;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every image the deployment names is either built by a Dockerfile of docker/ (found by the convention of
 * {@link Images}) or a third party's image pinned to a version.
 */
class ImagesTest {

    private static final List<String> DOCKERFILES = List.of("docker/service.Dockerfile",
            "docker/service-cuda.Dockerfile", "docker/cli.Dockerfile");
    private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)");
    private static final Pattern EXACT_VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+");
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern NON_ROOT_USER = Pattern.compile("(?m)^USER\\s+[1-9][0-9]*(:[1-9][0-9]*)?\\s*$");

    /** Where each image is named: Kubernetes workloads and custom resources, and compose services. */
    private static Map<String, List<String>> imagesByPlace() {
        Map<String, List<String>> places = new LinkedHashMap<>();
        Manifests.deployable().forEach((directory, resources) -> {
            for (Map<String, Object> resource : resources) {
                List<String> images = new ArrayList<>();
                if (Resources.podTemplate(resource) != null) {
                    Resources.containers(resource).forEach(container -> images.add(Yaml.string(container, "image")));
                } else if (Yaml.string(resource, "spec", "image") != null) {
                    images.add(Yaml.string(resource, "spec", "image"));
                }
                if (!images.isEmpty()) {
                    places.put(directory + " " + Resources.id(resource), images);
                }
            }
        });
        Manifests.composeServices().forEach((name, service) ->
                places.put("docker-compose.yml " + name, List.of(Yaml.string(service, "image"))));
        return places;
    }

    @Test
    void everyImageOfOursHasItsDockerfileAndModule() {
        imagesByPlace().forEach((place, images) -> {
            for (String name : images) {
                assertNotNull(name, place + " names no image");
                ImageReference image = ImageReference.parse(name);
                if (!Images.ours(image)) {
                    continue;
                }
                Images.Build build = Images.build(image);
                assertTrue(Files.isRegularFile(Repository.path(build.dockerfile())),
                        place + ": " + image + " is built by " + build.dockerfile() + ", which does not exist");
                if (build.service() != null) {
                    assertTrue(Files.isRegularFile(Repository.path(build.service() + "/pom.xml")),
                            place + ": " + image + " builds the Maven module " + build.service()
                                    + ", which is not in this checkout");
                }
            }
        });
    }

    @Test
    void thirdPartyImagesArePinned() {
        imagesByPlace().forEach((place, images) -> {
            for (String name : images) {
                ImageReference image = ImageReference.parse(name);
                if (!Images.ours(image)) {
                    assertTrue(image.digest() != null || image.tag() != null && !image.tag().equals("latest"),
                            place + ": " + image + " must name a version");
                }
            }
        });
    }

    /** Kubernetes runs the images of this version of the project, whichever kustomization is applied. */
    @Test
    void kubernetesImagesCarryTheProjectVersion() {
        Manifests.deployable().forEach((directory, resources) -> {
            for (Map<String, Object> workload : Resources.workloads(resources)) {
                for (Map<String, Object> container : Resources.containers(workload)) {
                    ImageReference image = ImageReference.parse(Yaml.string(container, "image"));
                    if (Images.ours(image)) {
                        String where = directory + " " + Resources.id(workload);
                        assertEquals(Repository.projectVersion(), image.tag(), where + ": tag of " + image.name());
                        assertEquals(pullPolicyFor(image.tag()), Yaml.string(container, "imagePullPolicy"),
                                where + ": pull policy of " + image);
                    }
                }
            }
        });
    }

    /**
     * A snapshot tag names whatever was built last under it, so a node must pull it every time; a release tag never
     * changes, so a node that has it need not ask the registry.
     */
    private static String pullPolicyFor(String tag) {
        return tag.endsWith("-SNAPSHOT") ? "Always" : "IfNotPresent";
    }

    /** A compose service that builds one of our images builds it the way the naming convention says. */
    @Test
    void composeBuildsFollowTheConvention() {
        Manifests.composeServices().forEach((name, service) -> {
            ImageReference image = ImageReference.parse(Yaml.string(service, "image"));
            if (!Images.ours(image)) {
                assertTrue(Yaml.map(service, "build").isEmpty(), name + " builds a third party's image");
                return;
            }
            Images.Build build = Images.build(image);
            assertEquals("..", Yaml.string(service, "build", "context"), name + ": the repository root");
            assertEquals(build.dockerfile(), Yaml.string(service, "build", "dockerfile"), name);
            assertEquals(build.service(), Yaml.string(service, "build", "args", "SERVICE"), name);
        });
    }

    /** The images that compute generations run as a non-root user with the settings determinism needs. */
    @Test
    void imagesRunAsNonRootAndComputeReproducibly() {
        for (String dockerfile : List.of("docker/service.Dockerfile", "docker/service-cuda.Dockerfile",
                "docker/cli.Dockerfile")) {
            String runtime = Dockerfiles.runtimeStage(dockerfile);
            assertTrue(NON_ROOT_USER.matcher(runtime).find(), dockerfile + " must end as a numeric non-root USER,"
                    + " which Kubernetes can check against runAsNonRoot");
            Map<String, String> environment = Dockerfiles.runtimeEnvironment(dockerfile);
            Map<String, String> expected = new LinkedHashMap<>(ComputeEnvironment.forComputeProcess());
            expected.put("DJL_OFFLINE", "true");
            expected.forEach((name, value) -> assertEquals(value, environment.get(name), dockerfile + " must set "
                    + name + "=" + value + " in its runtime image (docs/determinism.md, docs/performance.md, "
                    + "docs/deployment.md)"));
        }
        for (String dockerfile : List.of("docker/service.Dockerfile", "docker/service-cuda.Dockerfile")) {
            String runtime = Dockerfiles.runtimeStage(dockerfile);
            assertTrue(runtime.contains("HEALTHCHECK") && runtime.contains("/q/health/live"),
                    dockerfile + " must check /q/health/live");
            assertEquals("8080", Dockerfiles.runtimeEnvironment(dockerfile).get("QUARKUS_HTTP_PORT"),
                    dockerfile + " must serve on 8080, the port the manifests probe and scrape");
        }
    }

    /**
     * Base images name an exact version (a tag with a patch version, or a digest), so that rebuilding a commit gets
     * the same JDK and OS; the image says what it is and which version and commit it was built from; and the build
     * copies the POMs of every module and resolves dependencies before it copies the sources, so that a source
     * change reuses the dependency layer.
     */
    @Test
    void imagesBuildReproduciblyAndCacheTheirDependencies() {
        List<String> modules = new ArrayList<>();
        Matcher module = MODULE.matcher(Repository.read(Repository.path("pom.xml")));
        while (module.find()) {
            modules.add(module.group(1));
        }
        for (String dockerfile : DOCKERFILES) {
            String text = Repository.read(Repository.path(dockerfile));
            Matcher from = FROM.matcher(text);
            while (from.find()) {
                ImageReference base = ImageReference.parse(from.group(1));
                assertTrue(base.digest() != null || base.tag() != null && EXACT_VERSION.matcher(base.tag()).find(),
                        dockerfile + ": FROM " + base + " must name an exact version or a digest");
            }
            String runtime = Dockerfiles.runtimeStage(dockerfile);
            assertTrue(runtime.contains("ARG VERSION=" + Repository.projectVersion() + "\n"),
                    dockerfile + ": the version label defaults to the project's version");
            for (String label : List.of("title", "description", "version", "revision")) {
                assertTrue(runtime.contains("org.opencontainers.image." + label + "="),
                        dockerfile + " must label its image with org.opencontainers.image." + label);
            }
            int sources = text.indexOf("COPY . .");
            int dependencies = text.indexOf(":go-offline");
            assertTrue(dependencies > 0 && sources > dependencies, dockerfile + " must resolve dependencies before"
                    + " it copies the sources");
            for (String name : modules) {
                int pom = text.indexOf("COPY " + name + "/pom.xml " + name + "/");
                assertTrue(pom > 0 && pom < dependencies, dockerfile + " must copy " + name + "/pom.xml before it"
                        + " resolves dependencies: Maven needs every module of the reactor");
            }
        }
    }

    /** The CUDA images must not carry the CPU natives, which DJL would load whatever PYTORCH_FLAVOR says. */
    @Test
    void cudaImagesLeaveOutTheCpuNatives() {
        String dockerfile = Repository.read(Repository.path("docker/service-cuda.Dockerfile"));
        assertTrue(dockerfile.contains("-Dpytorch.native.bundled=false"), "service-cuda.Dockerfile must build"
                + " without the bundled native jar");
        String lm = Repository.read(Repository.path("lm/pom.xml"));
        Matcher profile = Pattern.compile("(?s)<profile>.*?<name>pytorch\\.native\\.bundled</name>.*?</profile>")
                .matcher(lm);
        assertTrue(profile.find() && profile.group().contains("${pytorch.native.artifact}")
                        && lm.indexOf("${pytorch.native.artifact}") == lm.lastIndexOf("${pytorch.native.artifact}"),
                "lm/pom.xml must add the native jar only in the profile that -Dpytorch.native.bundled=false turns off");
        assertNotNull(Dockerfiles.runtimeEnvironment("docker/service-cuda.Dockerfile").get("PYTORCH_FLAVOR"),
                "the CUDA runtime image must pin the PyTorch flavour it baked in");
    }

}
