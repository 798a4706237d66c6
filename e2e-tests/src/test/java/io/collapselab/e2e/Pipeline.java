package io.collapselab.e2e;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.S3Settings;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.cli.runs.RunSubmitter;
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
    /**
     * The seed of the fault proxy's draws: every run of a test draws the same sequence, though which request
     * meets which draw depends on how the services' requests interleave.
     */
    private static final long FAULT_SEED = 14;
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final String testName;
    private final Path dataDir;
    private final Map<Service, Path> jars;
    private final Setup setup;
    private LocalStack stack;
    private final S3FaultProxy faultProxy;
    private final ArtifactStore store;
    private final RunSubmitter submitter;
    private final Map<Service, ServiceProcess> processes = new EnumMap<>(Service.class);
    private final Map<Service, Integer> starts = new EnumMap<>(Service.class);

    /**
     * How the services are set up beyond the defaults: whether they reach S3 through a {@link S3FaultProxy} the
     * test controls (the test's own clients always talk to the server directly), and system properties for their
     * JVMs (configuration keys, e.g. a shorter consumer session timeout).
     */
    record Setup(boolean s3ThroughFaultProxy, Map<String, String> serviceProperties) {

        static final Setup DEFAULT = new Setup(false, Map.of());

        Setup {
            serviceProperties = Map.copyOf(serviceProperties);
        }
    }

    private Pipeline(String testName, Path dataDir, Map<Service, Path> jars, Setup setup, LocalStack stack) {
        this.testName = testName;
        this.dataDir = dataDir;
        this.jars = jars;
        this.setup = setup;
        this.stack = stack;
        this.faultProxy = setup.s3ThroughFaultProxy() ? S3FaultProxy.start(stack.s3Endpoint(), FAULT_SEED) : null;
        this.store = new ArtifactStore(new S3Settings(stack.s3Endpoint(), stack.s3AccessKey(),
                stack.s3SecretKey(), stack.bucket(), stack.s3Region()));
        this.submitter = new RunSubmitter(stack.bootstrapServers(), store);
    }

    /**
     * Starts the stack and the three services and waits until all are ready. Skips the calling test (an assumption)
     * when the services' runner jars have not been built.
     */
    static Pipeline start(String testName) {
        return start(testName, Setup.DEFAULT);
    }

    /** As {@link #start(String)}, with the services set up as {@code setup} says. */
    static Pipeline start(String testName, Setup setup) {
        Map<Service, Path> jars = E2eEnvironment.runnerJars();
        long started = System.nanoTime();
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("collapse-e2e-");
            deleteRecursively(E2eEnvironment.logRoot().resolve(testName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalStack stack = startStack(dataDir);
        Pipeline pipeline = new Pipeline(testName, dataDir, jars, setup, stack);
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

    /** The stack on {@code dataDir}, new or as a previous start left it, with every topic of the system. */
    private static LocalStack startStack(Path dataDir) {
        return LocalStack.builder()
                .dataDir(dataDir)
                .topics(Topics.ALL.stream()
                        .map(topic -> new TopicSpec(topic.name(), topic.partitions(), topic.configs()))
                        .toList())
                .start();
    }

    /**
     * Stops the local stack, broker and S3 server, for {@code downtime}, then starts it again on the same data
     * directory, ports and credentials, as an operator's restart of the cluster would; the services are left
     * running throughout.
     */
    void stopStackFor(Duration downtime) {
        stack.close();
        LOG.info("Stopped the local stack of {} for {} s", testName, downtime.toSeconds());
        try {
            Thread.sleep(downtime.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the stack was stopped", e);
        }
        stack = startStack(dataDir);
        LOG.info("Started the local stack of {} again", testName);
    }

    /** The proxy between the services and S3; only for a pipeline set up with {@link Setup#s3ThroughFaultProxy}. */
    S3FaultProxy faultProxy() {
        if (faultProxy == null) {
            throw new IllegalStateException("the services of " + testName + " reach S3 directly; set the pipeline"
                    + " up with s3ThroughFaultProxy");
        }
        return faultProxy;
    }

    String bootstrapServers() {
        return stack.bootstrapServers();
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
        return new RunObserver(stack.bootstrapServers());
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
        command.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC"));
        setup.serviceProperties().forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jars.get(service).toString()));
        Map<String, String> environment = new HashMap<>(ComputeEnvironment.forComputeProcess());
        environment.putAll(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers(),
                "COLLAPSE_S3_ENDPOINT", faultProxy != null ? faultProxy.endpoint() : stack.s3Endpoint(),
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
        List<AutoCloseable> resources = new ArrayList<>(List.of(submitter, store, stack));
        if (faultProxy != null) {
            resources.add(faultProxy);
        }
        for (AutoCloseable resource : resources) {
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
