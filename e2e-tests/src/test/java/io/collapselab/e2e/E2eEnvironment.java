package io.collapselab.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;


import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the tests take from the build (failsafe sets these system properties): the repository root, where the
 * services' runner jars and the packaged command line are; the directory for logs; the intra-op thread count of
 * the tensor engine, which the services and the reference run get alike; DJL's cache of native libraries.
 */
final class E2eEnvironment {

    static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

    private E2eEnvironment() {
    }

    static Path repoRoot() {
        return Path.of(System.getProperty("collapse.repo.root", "..")).toAbsolutePath().normalize();
    }

    static Path logRoot() {
        return Path.of(System.getProperty("collapse.e2e.logs", "target/e2e-logs")).toAbsolutePath().normalize();
    }

    /** The intra-op threads the build chose for the tensor engine; 1 when started without it (from an IDE). */
    static int torchThreads() {
        return Integer.parseInt(System.getProperty(THREADS_PROPERTY, "1"));
    }

    /**
     * {@code java} with the tensor engine's settings of this JVM: the same intra-op threads (the digests depend on
     * them), one inter-op thread, no downloads, and DJL's cache directory where the build names one, so that the
     * unpacked native libraries are reused.
     */
    static List<String> javaWithEngineSettings() {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + THREADS_PROPERTY + "=" + torchThreads(),
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-Dai.djl.offline=true"));
        String djlCache = System.getProperty("DJL_CACHE_DIR");
        if (djlCache != null) {
            command.add("-DDJL_CACHE_DIR=" + djlCache);
        }
        return command;
    }

    /**
     * The class path of the packaged command line, {@code cli/target/collapse-cli.jar} and {@code cli/target/lib/*},
     * as the {@code collapse} launcher uses it; skips the calling test when it has not been packaged.
     */
    static List<String> cliClasspath() {
        Path target = repoRoot().resolve("cli").resolve("target");
        Path jar = target.resolve("collapse-cli.jar");
        assumeTrue(Files.isRegularFile(jar) && Files.isDirectory(target.resolve("lib")), () -> "the command line"
                + " is not packaged at " + jar + "; build it first (./mvnw -pl cli -am package -DskipTests) or run"
                + " the whole build (./mvnw verify)");
        return List.of(jar.toString(), target.resolve("lib").resolve("*").toString());
    }

    /**
     * The runner jar of every service; skips the calling test when one is missing, e.g. when this module is built
     * on its own without the services having been packaged.
     */
    static Map<Service, Path> runnerJars() {
        Map<Service, Path> jars = new EnumMap<>(Service.class);
        for (Service service : Service.values()) {
            Path jar = service.runnerJar(repoRoot());
            assumeTrue(Files.isRegularFile(jar), () -> "no runner jar of " + service.module() + " at " + jar
                    + "; build the services first (./mvnw -pl " + service.module() + " -am package -DskipTests)"
                    + " or run the whole build (./mvnw verify)");
            jars.put(service, jar);
        }
        return jars;
    }
}
