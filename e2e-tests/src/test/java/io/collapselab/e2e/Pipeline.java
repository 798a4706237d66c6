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
 * every topic of the system, and the trainer, generator and evaluator as separate JVMs pointed at it, one or more
 * replicas of each in the service's consumer groups. Each replica's output goes to
 * {@code <logs>/<test>/<module>.log} (the first replica) or {@code <module>-<r>.log} (replica r); a restarted
 * replica writes {@code <name>.<n>.log}, so the log of the process that was killed stays for inspection.
 */
final class Pipeline implements AutoCloseable {

    /** Three JVMs start at once on two cores; loading the tensor engine alone takes seconds there. */
    static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    /**
     * Each service's heap. Checkpoints stream between the engine's native memory and the store, so a heap far below
     * a checkpoint's size carries it (see {@code LargeCheckpointIT}).
     */
    static final long SERVICE_HEAP_BYTES = 512L << 20;
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
    private final Map<Service, List<ServiceProcess>> processes = new EnumMap<>(Service.class);
    private final Map<String, Integer> starts = new HashMap<>();

    /**
     * How the services are set up beyond the defaults: whether they reach S3 through a {@link S3FaultProxy} the
     * test controls (the test's own clients always talk to the server directly), system properties for their
     * JVMs (configuration keys, e.g. a shorter consumer session timeout), and how many replicas of each service
     * run (a service left out runs once).
     */
    record Setup(boolean s3ThroughFaultProxy, Map<String, String> serviceProperties, Map<Service, Integer> replicas) {

        static final Setup DEFAULT = new Setup(false, Map.of());

        /** One replica of each service. */
        Setup(boolean s3ThroughFaultProxy, Map<String, String> serviceProperties) {
            this(s3ThroughFaultProxy, serviceProperties, Map.of());
        }

        Setup {
            serviceProperties = Map.copyOf(serviceProperties);
            replicas = Map.copyOf(replicas);
        }

        int replicas(Service service) {
            return replicas.getOrDefault(service, 1);
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
        this.submitter = new RunSubmitter(kafka(KafkaRole.SUBMITTER), store);
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
                for (int replica = 1; replica <= setup.replicas(service); replica++) {
                    launched.add(pipeline.launch(service, replica));
                }
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
                .kafkaUsers(StackMain.kafkaUsers())
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

    /** The first replica of the service. */
    ServiceProcess process(Service service) {
        return process(service, 1);
    }

    /** Replica {@code replica} (from 1) of the service, in its latest start. */
    ServiceProcess process(Service service, int replica) {
        return processes.get(service).get(replica - 1);
    }

    /** The replicas of the service, the first first. */
    List<ServiceProcess> replicas(Service service) {
        return List.copyOf(processes.get(service));
    }

    /** SIGKILL to the first replica: the service dies mid-work, as in a crash or an out-of-memory kill. */
    void kill(Service service) {
        kill(service, 1);
    }

    /** SIGKILL to replica {@code replica} (from 1) of the service. */
    void kill(Service service, int replica) {
        ServiceProcess process = process(service, replica);
        int exit = process.kill();
        LOG.info("Killed {} (exit code {})", process, exit);
    }

    /** Starts the first replica again; see {@link #restart(Service, int)}. */
    void restart(Service service) {
        restart(service, 1);
    }

    /**
     * Starts the replica again, with the same instance name, as a container restarted in its pod would be, and
     * waits until it is ready.
     */
    void restart(Service service, int replica) {
        ServiceProcess previous = process(service, replica);
        if (previous.isAlive()) {
            throw new IllegalStateException(previous + " is still running; kill or stop it first");
        }
        launch(service, replica).awaitReady(READY_TIMEOUT);
        LOG.info("Restarted {}", process(service, replica));
    }

    private ServiceProcess launch(Service service, int replica) {
        String name = service.module() + (replica == 1 ? "" : "-" + replica);
        int start = starts.merge(name, 1, Integer::sum);
        Path log = E2eEnvironment.logRoot().resolve(testName).resolve(name + (start == 1 ? "" : "." + start) + ".log");
        int port = freePort();
        List<String> command = new ArrayList<>(E2eEnvironment.javaWithEngineSettings());
        // Three services and the test JVM share the machine: a bounded heap and the serial collector keep each
        // service's footprint and background threads small.
        command.addAll(List.of("-Xmx" + (SERVICE_HEAP_BYTES >> 20) + "m", "-XX:+UseSerialGC"));
        setup.serviceProperties().forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jars.get(service).toString()));
        Map<String, String> environment = new HashMap<>(ComputeEnvironment.forComputeProcess());
        // Each service signs in as its own user, as `collapse up` starts them.
        environment.putAll(KafkaClientConfig.asEnvironment(kafka(service.role())));
        environment.putAll(Map.of(
                "COLLAPSE_S3_ENDPOINT", faultProxy != null ? faultProxy.endpoint() : stack.s3Endpoint(),
                "COLLAPSE_S3_ACCESS_KEY", stack.s3AccessKey(),
                "COLLAPSE_S3_SECRET_KEY", stack.s3SecretKey(),
                "COLLAPSE_S3_BUCKET", stack.bucket(),
                "COLLAPSE_S3_REGION", stack.s3Region(),
                "COLLAPSE_INSTANCE", service.module() + "-" + replica,
                "QUARKUS_HTTP_PORT", Integer.toString(port)));
        ServiceProcess process = ServiceProcess.start(new ServiceProcess.Spec(name, command, environment, port, log));
        List<ServiceProcess> replicas = processes.computeIfAbsent(service, s -> new ArrayList<>());
        if (replica <= replicas.size()) {
            replicas.set(replica - 1, process);
        } else {
            replicas.add(process);
        }
        return process;
    }

    /** Stops the services gracefully (killing what does not stop in time), then the stack; deletes its data. */
    @Override
    public void close() {
        List<Exception> failures = new ArrayList<>();
        for (ServiceProcess process : processes.values().stream().flatMap(List::stream).toList()) {
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
