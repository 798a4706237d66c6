package io.collapselab.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A service running as a separate operating-system process, the way it runs in production: its own JVM, configured
 * by environment variables, writing stdout and stderr to one log file, ready when its readiness endpoint
 * ({@code /q/health/ready}) answers 200. It can be stopped gracefully (SIGTERM, so shutdown hooks run and the
 * service leaves its consumer group) or killed (SIGKILL: no hook, no goodbye, as in a crash or an OOM kill).
 *
 * <p>Processes still running when the test JVM exits are killed by a shutdown hook, so an aborted test run leaves
 * no services behind.
 */
final class ServiceProcess {

    /** What to start: a name for messages, the command line, extra environment, the HTTP port and the log file. */
    record Spec(String name, List<String> command, Map<String, String> environment, int httpPort, Path logFile) {

        Spec {
            command = List.copyOf(command);
            environment = Map.copyOf(environment);
        }
    }

    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final int TAIL_LINES = 40;
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "kill-leftover-services"));
    }

    private final Spec spec;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(PROBE_TIMEOUT).build();

    private ServiceProcess(Spec spec, Process process) {
        this.spec = spec;
        this.process = process;
    }

    /** Starts the process; it is not ready yet, see {@link #awaitReady}. */
    static ServiceProcess start(Spec spec) {
        try {
            Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(spec.command())
                    .redirectErrorStream(true)
                    .redirectOutput(spec.logFile().toFile());
            builder.environment().putAll(spec.environment());
            Process process = builder.start();
            LIVE.add(process);
            process.onExit().thenRun(() -> LIVE.remove(process));
            return new ServiceProcess(spec, process);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + spec.name() + " with " + spec.command(), e);
        }
    }

    String name() {
        return spec.name();
    }

    Path logFile() {
        return spec.logFile();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits until the readiness endpoint answers 200.
     *
     * @throws IllegalStateException when the process exits first or is not ready in time (it is killed then);
     *         the message ends with the last lines of its log
     */
    void awaitReady(Duration timeout) {
        URI ready = readinessUri();
        HttpRequest request = HttpRequest.newBuilder(ready).timeout(PROBE_TIMEOUT).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastAnswer = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(spec.name() + " exited with code " + process.exitValue()
                        + " before it was ready" + logTail());
            }
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                lastAnswer = "HTTP " + response.statusCode() + ": " + response.body();
            } catch (IOException e) {
                lastAnswer = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + spec.name(), e);
            }
            sleep(POLL_INTERVAL);
        }
        kill();
        throw new IllegalStateException(spec.name() + " was not ready at " + ready + " within " + timeout.toSeconds()
                + " s (last answer: " + lastAnswer + "); it was killed" + logTail());
    }

    /**
     * The status its readiness endpoint answers now (200 ready, 503 not), or -1 when it does not answer within
     * the probe's timeout.
     */
    int readiness() {
        HttpRequest request = HttpRequest.newBuilder(readinessUri()).timeout(PROBE_TIMEOUT).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing " + spec.name(), e);
        }
    }

    /** The text of its metrics endpoint ({@code /q/metrics}, Prometheus' format). */
    String metrics() {
        URI metrics = URI.create("http://127.0.0.1:" + spec.httpPort() + "/q/metrics");
        HttpRequest request = HttpRequest.newBuilder(metrics).timeout(PROBE_TIMEOUT).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException("no metrics from " + spec.name() + " at " + metrics, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the metrics of " + spec.name(), e);
        }
    }

    private URI readinessUri() {
        return URI.create("http://127.0.0.1:" + spec.httpPort() + "/q/health/ready");
    }

    /**
     * SIGTERM (what {@link Process#destroy()} sends on Unix), then SIGKILL if the process has not exited within
     * {@code grace}.
     *
     * @return the exit code: 143 after a graceful stop of a JVM, 137 if it had to be killed
     */
    int stop(Duration grace) {
        process.destroy();
        if (!waitFor(grace)) {
            return kill();
        }
        return process.exitValue();
    }

    /** SIGKILL, to the process and anything it started: the process gets no chance to clean up. */
    int kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        if (!waitFor(Duration.ofSeconds(30))) {
            throw new IllegalStateException(spec.name() + " (pid " + process.pid() + ") survived SIGKILL for 30 s");
        }
        return process.exitValue();
    }

    /** The last lines of the log, prefixed with a line naming the file; for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(spec.logFile(), StandardCharsets.UTF_8);
            return "\n--- last lines of " + spec.logFile() + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "\n(log " + spec.logFile() + " unreadable: " + e + ")";
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for " + spec.name() + " to exit failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + spec.name() + " to exit", e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return spec.name() + " (pid " + process.pid() + ", port " + spec.httpPort() + ", log " + spec.logFile() + ")";
    }
}
