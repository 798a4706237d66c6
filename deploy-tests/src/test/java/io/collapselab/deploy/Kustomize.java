package io.collapselab.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with the real kustomize, as {@code kubectl kustomize} (kustomize built into kubectl), so
 * that what the checks verify is exactly what {@code kubectl apply -k} would send to a cluster. Where kubectl is not
 * installed the calling test is skipped, saying so; CI installs it.
 */
final class Kustomize {

    /** The kubectl to run: {@code $KUBECTL} where set, else {@code kubectl} on the PATH. */
    private static final String KUBECTL = System.getenv().getOrDefault("KUBECTL", "kubectl");
    private static final long TIMEOUT_SECONDS = 60;
    private static final boolean AVAILABLE = probe();

    private Kustomize() {
    }

    /**
     * Skips the calling test, with the reason, where kubectl cannot be run; fails it instead where
     * {@code COLLAPSE_REQUIRE_KUBECTL=true} (CI), so that the checks cannot silently stop running there.
     */
    static void assumeAvailable() {
        if (AVAILABLE) {
            return;
        }
        String reason = "'" + KUBECTL + " version --client' does not run: install kubectl (1.27 or newer, which has"
                + " kustomize built in) or point KUBECTL at it to run the checks of the rendered k8s/ manifests";
        if (Boolean.parseBoolean(System.getenv("COLLAPSE_REQUIRE_KUBECTL"))) {
            throw new AssertionError(reason + " (COLLAPSE_REQUIRE_KUBECTL=true)");
        }
        assumeTrue(false, reason);
    }

    /** The resources {@code kubectl kustomize DIRECTORY} prints, in its order. */
    static List<Map<String, Object>> build(String directory) {
        return build(Repository.path(directory));
    }

    static List<Map<String, Object>> build(Path directory) {
        assumeAvailable();
        Result result = run(KUBECTL, "kustomize", directory.toString());
        if (result.exitCode() != 0) {
            throw new AssertionError("kubectl kustomize " + Repository.relative(directory) + " failed (exit "
                    + result.exitCode() + "): " + result.output().strip());
        }
        return Yaml.documents(result.output(), "kubectl kustomize " + Repository.relative(directory));
    }

    private static boolean probe() {
        try {
            return run(KUBECTL, "version", "--client").exitCode() == 0;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private record Result(int exitCode, String output) {
    }

    /** Runs a command to its end; its output is stdout, or stdout and stderr together where it fails. */
    private static Result run(String... command) {
        Path stderr = null;
        try {
            stderr = Files.createTempFile("kubectl", ".err");
            Process process = new ProcessBuilder(command)
                    .redirectError(stderr.toFile())
                    .start();
            process.getOutputStream().close();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            int exitCode = process.exitValue();
            return new Result(exitCode, exitCode == 0 ? stdout : stdout + Files.readString(stderr));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        } finally {
            if (stderr != null) {
                try {
                    Files.deleteIfExists(stderr);
                } catch (IOException ignored) {
                    // a temporary file left behind harms no check
                }
            }
        }
    }
}
