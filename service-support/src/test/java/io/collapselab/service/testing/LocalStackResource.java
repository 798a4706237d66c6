package io.collapselab.service.testing;

import io.collapselab.localstack.LocalStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real S3 server (and Kafka broker) from the local stack for a {@code @QuarkusTest}, in a temporary directory
 * deleted afterwards; the service's {@code collapse.s3.*} settings point at it. Channels stay on the in-memory
 * connector (see the {@code %test} profile), so the broker is only there because the stack comes whole.
 */
public class LocalStackResource implements QuarkusTestResourceLifecycleManager {

    private Path dataDir;
    private LocalStack stack;

    @Override
    public Map<String, String> start() {
        try {
            dataDir = Files.createTempDirectory("collapse-service-test-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data directory for the local stack", e);
        }
        stack = LocalStack.builder().dataDir(dataDir).start();
        return Map.of(
                "kafka.bootstrap.servers", stack.bootstrapServers(),
                "collapse.s3.endpoint", stack.s3Endpoint(),
                "collapse.s3.access-key", stack.s3AccessKey(),
                "collapse.s3.secret-key", stack.s3SecretKey(),
                "collapse.s3.bucket", stack.bucket(),
                "collapse.s3.region", stack.s3Region());
    }

    @Override
    public void stop() {
        try {
            if (stack != null) {
                stack.close();
            }
        } finally {
            deleteRecursively(dataDir);
        }
    }

    private static void deleteRecursively(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the local stack's data directory " + root, e);
        }
    }
}
