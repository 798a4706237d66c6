package io.collapselab.e2e;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.S3Settings;
import io.collapselab.cli.local.StackMain;
import io.collapselab.cli.runs.KafkaClientConfig;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.cli.runs.RunSubmitter;
import io.collapselab.events.kafka.KafkaRole;
import io.collapselab.events.kafka.Topics;
import io.collapselab.lm.ComputeEnvironment;
import io.collapselab.localstack.LocalStack;
import io.collapselab.localstack.TopicSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system on this machine: a local stack (real Kafka broker and S3 server) in a temporary directory with
 * every topic of the system, and the trainer, generator and evaluator as separate JVMs pointed at it. Each
 * service's output goes to {@code <logs>/<test>/<module>.log}; a restarted service writes
 * {@code <module>.<n>.log}, so the log of the process that was killed stays for inspection.
 */
final class Pipeline implements AutoCloseable {

    /** Three JVMs start at once on two cores; loading the tensor engine alone takes seconds there. */
    static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final String testName;
    private final Path dataDir;
    private final Map<Service, Path> jars;
    private final LocalStack stack;
    private final ArtifactStore store;
    private final RunSubmitter submitter;
    private final Map<Service, ServiceProcess> processes = new EnumMap<>(Service.class);
    private final Map<Service, Integer> starts = new EnumMap<>(Service.class);

    private Pipeline(String testName, Path dataDir, Map<Service, Path> jars, LocalStack stack) {
        this.testName = testName;
        this.dataDir = dataDir;
        this.jars = jars;
        this.stack = stack;
        this.store = new ArtifactStore(new S3Settings(stack.s3Endpoint(), stack.s3AccessKey(),
                stack.s3SecretKey(), stack.bucket(), stack.s3Region()));
        this.submitter = new RunSubmitter(kafka(KafkaRole.SUBMITTER), store);
    }

    /**
     * Starts the stack and the three services and waits until all are ready. Skips the calling test (an assumption)
     * when the services' runner jars have not been built.
     */
    static Pipeline start(String testName) {
        Map<Service, Path> jars = E2eEnvironment.runnerJars();
        long started = System.nanoTime();
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("collapse-e2e-");
            deleteRecursively(E2eEnvironment.logRoot().resolve(testName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalStack stack = LocalStack.builder()
                .dataDir(dataDir)
                .topics(Topics.ALL.stream()
                        .map(topic -> new TopicSpec(topic.name(), topic.partitions(), topic.configs()))
                        .toList())
                .kafkaUsers(StackMain.kafkaUsers())
                .start();
        Pipeline pipeline = new Pipeline(testName, dataDir, jars, stack);
        try {
            List<ServiceProcess> launched = new ArrayList<>();
            for (Service service : Service.values()) {
                launched.add(pipeline.launch(service));
            }
            // Launched together, awaited one by one: they boot in parallel.
            launched.forEach(process -> process.awaitReady(READY_TIMEOUT));
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
        LOG.info("Pipeline for {} ready in {} s: Kafka {}, S3 {}, services {}", testName,
                Duration.ofNanos(System.nanoTime() - started).toSeconds(), stack.bootstrapServers(),
                stack.s3Endpoint(), pipeline.processes.values());
        return pipeline;
    }

    String bootstrapServers() {
        return stack.bootstrapServers();
    }

    /** Kafka client settings that sign in as {@code role}'s user, as the CLI and the services do. */
    Map<String, Object> kafka(KafkaRole role) {
        return stack.kafkaClientConfig(role.user());
    }

    /** The password of {@code role}'s Kafka user, for tests that check it is written nowhere. */
    String kafkaPassword(KafkaRole role) {
        return stack.kafkaPassword(role.user());
    }

    String bucket() {
        return stack.bucket();
    }

    ArtifactStore store() {
        return store;
    }

    RunSubmitter submitter() {
        return submitter;
    }

    /** A new observer of this pipeline's runs; the caller closes it. */
    RunObserver observer() {
        return new RunObserver(kafka(KafkaRole.AUDITOR));
    }

    ServiceProcess process(Service service) {
        return processes.get(service);
    }

    /** SIGKILL: the service dies mid-work, as in a crash or an out-of-memory kill. */
    void kill(Service service) {
        ServiceProcess process = processes.get(service);
        int exit = process.kill();
        LOG.info("Killed {} (exit code {})", process, exit);
    }

    /**
     * Starts the service again, with the same instance name, as a container restarted in its pod would be, and
     * waits until it is ready.
     */
    void restart(Service service) {
        ServiceProcess previous = processes.get(service);
        if (previous != null && previous.isAlive()) {
            throw new IllegalStateException(previous + " is still running; kill or stop it first");
        }
        launch(service).awaitReady(READY_TIMEOUT);
        LOG.info("Restarted {}", processes.get(service));
    }

    private ServiceProcess launch(Service service) {
        int start = starts.merge(service, 1, Integer::sum);
        Path log = E2eEnvironment.logRoot().resolve(testName)
                .resolve(service.module() + (start == 1 ? "" : "." + start) + ".log");
        int port = freePort();
        List<String> command = new ArrayList<>(E2eEnvironment.javaWithEngineSettings());
        // Three services and the test JVM share the machine: a bounded heap and the serial collector keep each
        // service's footprint and background threads small.
        command.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", "-jar", jars.get(service).toString()));
        Map<String, String> environment = new HashMap<>(ComputeEnvironment.forComputeProcess());
        // Each service signs in as its own user, as `collapse up` starts them.
        environment.putAll(KafkaClientConfig.asEnvironment(kafka(service.role())));
        environment.putAll(Map.of(
                "COLLAPSE_S3_ENDPOINT", stack.s3Endpoint(),
                "COLLAPSE_S3_ACCESS_KEY", stack.s3AccessKey(),
                "COLLAPSE_S3_SECRET_KEY", stack.s3SecretKey(),
                "COLLAPSE_S3_BUCKET", stack.bucket(),
                "COLLAPSE_S3_REGION", stack.s3Region(),
                "COLLAPSE_INSTANCE", service.module() + "-1",
                "QUARKUS_HTTP_PORT", Integer.toString(port)));
        ServiceProcess process = ServiceProcess.start(
                new ServiceProcess.Spec(service.module(), command, environment, port, log));
        processes.put(service, process);
        return process;
    }

    /** Stops the services gracefully (killing what does not stop in time), then the stack; deletes its data. */
    @Override
    public void close() {
        List<Exception> failures = new ArrayList<>();
        for (ServiceProcess process : processes.values()) {
            if (process.isAlive()) {
                try {
                    process.stop(STOP_GRACE);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
        }
        for (AutoCloseable resource : List.<AutoCloseable>of(submitter, store, stack)) {
            try {
                resource.close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        try {
            deleteRecursively(dataDir);
        } catch (IOException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("the pipeline of " + testName
                    + " did not shut down cleanly", failures.get(0));
            failures.subList(1, failures.size()).forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for a service", e);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
