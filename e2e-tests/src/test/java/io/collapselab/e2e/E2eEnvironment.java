package io.collapselab.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the tests take from the build (failsafe sets these system properties): the repository root, where the
 * services' runner jars are built; the directory for the services' logs; the intra-op thread count of the
 * tensor engine, shared by the services and the in-process reference; DJL's cache of native libraries.
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

    /**
     * The intra-op threads of this JVM's engine, which the services get too. Set to 1 here when the build did not
     * set it (a test started from an IDE), before any engine starts, so that both sides still agree.
     */
    static int torchThreads() {
        String threads = System.getProperty(THREADS_PROPERTY);
        if (threads == null) {
            System.setProperty(THREADS_PROPERTY, "1");
            return 1;
        }
        return Integer.parseInt(threads);
    }

    /** DJL's cache directory, when the build names one; the services then reuse the unpacked native libraries. */
    static String djlCacheDir() {
        return System.getProperty("DJL_CACHE_DIR");
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
