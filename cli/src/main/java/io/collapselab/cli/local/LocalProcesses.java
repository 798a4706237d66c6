package io.collapselab.cli.local;

import io.collapselab.cli.runs.KafkaClientConfig;
import io.collapselab.events.kafka.KafkaRole;
import io.collapselab.lm.ComputeEnvironment;
import io.collapselab.localstack.LocalStack;
import io.collapselab.localstack.StackConnection;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The embedded system as background processes: the local stack (Kafka + S3) and the three services, each a separate
 * JVM started in its own session so it outlives the command that started it. Everything lives under one state
 * directory: {@code stack/} (broker and object data), {@code logs/<name>.log}, {@code run/<name>.pid},
 * {@code run/<name>.port} and {@code dead-letters/} (dead letters the broker has not taken yet). A process appends
 * to its log, so the log of a process that crashed survives its restart; a log past {@value #LOG_ROTATE_BYTES} bytes
 * is rotated at the next start ({@code <name>.log.1} up to {@code .log.}{@value #LOG_GENERATIONS}, the oldest
 * dropped). The services listen on 127.0.0.1 only.
 */
public final class LocalProcesses {

    /** Name of the stack process; the services are named after their modules without "-service". */
    public static final String STACK = "stack";
    public static final List<String> SERVICES = List.of("trainer", "generator", "evaluator");

    /**
     * Scheduling priorities (nice values). The services' engines keep every core busy, while the stack's broker and
     * S3 server do short bursts of work that each service waits for between two generations; below the stack's
     * priority, the engines yield the cores to those bursts instead of making them queue (on a two-core machine
     * that halved the time between a generation's compute and the next one's start). The evaluator, whose work
     * no other service waits for, yields to the trainer and the generator as well.
     */
    private static final Map<String, Integer> NICENESS = Map.of("trainer", 5, "generator", 5, "evaluator", 10);
    private static final String START_MARK = "==== started at ";
    private static final Duration STACK_START = Duration.ofMinutes(3);
    private static final Duration SERVICE_START = Duration.ofMinutes(4);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private static final Duration METRICS_TIMEOUT = Duration.ofSeconds(10);
    /** A log is rotated at a start once it has grown past this: 10 MiB. */
    static final long LOG_ROTATE_BYTES = 10L * 1024 * 1024;
    /** How many rotated logs are kept beside the current one. */
    static final int LOG_GENERATIONS = 3;

    private final Path stateDir;
    private final Path home;
    /** HTTP/1.1: the JDK client's attempt to upgrade a plain connection to HTTP/2 garbled a response at times. */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param stateDir where state, logs and pid files live (the CLI's {@code .collapse})
     * @param home     the collapse-lab checkout, whose modules hold the services' runner jars
     */
    public LocalProcesses(Path stateDir, Path home) {
        this.stateDir = stateDir.toAbsolutePath();
        this.home = home.toAbsolutePath();
    }

    public Path stackDir() {
        return stateDir.resolve("stack");
    }

    public Path logsDir() {
        return stateDir.resolve("logs");
    }

    public Path log(String name) {
        return logsDir().resolve(name + ".log");
    }

    /** The runner jar of a service, built by Maven into its module. */
    public Path runnerJar(String service) {
        return home.resolve(service + "-service").resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** The running process of that name, if any (a stale pid file whose process is gone counts as none). */
    public Optional<ProcessHandle> running(String name) {
        Path pidFile = pidFile(name);
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> isOurs(p, name));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Connection details of the local stack, once it has been started at least once. */
    public Optional<StackConnection> connection() {
        try {
            return StackConnection.of(stackDir(), LocalStack.DEFAULT_BUCKET);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable local stack state in " + stackDir() + ": " + e.getMessage(), e);
        }
    }

    /** HTTP port of a running service. */
    public Optional<Integer> port(String service) {
        try {
            Path file = stateDir.resolve("run").resolve(service + ".port");
            return Files.isRegularFile(file) ? Optional.of(Integer.parseInt(Files.readString(file).strip()))
                    : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Starts whatever is not running yet and waits until all of it is ready.
     *
     * @param threads  intra-op threads of each service's tensor engine
     * @param progress where to say what is happening
     * @throws LocalProcessException naming the process that failed and its log
     */
    public StackConnection up(int threads, PrintStream progress) {
        return up(threads, Replicas.ONE_EACH, progress);
    }

    /**
     * Starts whatever is not running yet, with {@code replicas} processes of each service in the service's consumer
     * group, and waits until all of it is ready.
     *
     * @param threads  intra-op threads of each service's tensor engine
     * @param replicas processes per service
     * @param progress where to say what is happening
     * @throws LocalProcessException naming the process that failed and its log
     */
    public StackConnection up(int threads, Replicas replicas, PrintStream progress) {
        for (String service : SERVICES) {
            if (!Files.isRegularFile(runnerJar(service))) {
                throw new LocalProcessException("the " + service + " service is not built (" + runnerJar(service)
                        + " is missing); run ./collapse again from the checkout, which builds it, or "
                        + "./mvnw package -DskipTests");
            }
        }
        mkdirs();
        if (running(STACK).isEmpty()) {
            progress.println("starting the local stack (Kafka + S3) in " + stackDir());
            start(STACK, List.of(java(), "-Xmx512m", marker(), "-cp", System.getProperty("java.class.path"),
                    StackMain.class.getName(), stackDir().toString()), Map.of(), 0);
            awaitLogLine(STACK, "ready=true", STACK_START);
        }
        StackConnection connection = connection().orElseThrow(() -> new LocalProcessException(
                "the local stack started but left no state in " + stackDir() + "; see " + log(STACK)));
        List<String> starting = new ArrayList<>();
        for (String service : SERVICES) {
            for (String name : replicas.names(service)) {
                if (running(name).isEmpty()) {
                    int port = freePort();
                    progress.println("starting " + describe(name) + " on port " + port);
                    start(name, serviceCommand(service, threads), serviceEnvironment(name, connection, port),
                            NICENESS.get(service));
                    write(stateDir.resolve("run").resolve(name + ".port"), Integer.toString(port));
                    starting.add(name);
                }
            }
        }
        for (String service : starting) {
            awaitReady(service, SERVICE_START);
        }
        return connection;
    }

    /**
     * Stops every process this state directory started, services first, and waits until each is gone.
     *
     * @return the names of the processes that were stopped
     */
    public List<String> down(PrintStream progress) {
        List<String> stopped = new ArrayList<>();
        List<String> order = new ArrayList<>(startedServiceProcesses());
        order.add(STACK);
        for (String name : order) {
            Optional<ProcessHandle> process = running(name);
            if (process.isPresent()) {
                progress.println("stopping " + name + " (pid " + process.get().pid() + ")");
                stop(process.get());
                stopped.add(name);
            }
            deleteQuietly(pidFile(name));
            deleteQuietly(stateDir.resolve("run").resolve(name + ".port"));
        }
        return stopped;
    }

    /**
     * The names of the service processes this state directory has pid files for, every replica included (a
     * {@code collapse up} with more replicas than the last one leaves none behind).
     */
    private List<String> startedServiceProcesses() {
        List<String> names = new ArrayList<>();
        Path run = stateDir.resolve("run");
        if (Files.isDirectory(run)) {
            try (var files = Files.list(run)) {
                files.map(file -> file.getFileName().toString())
                        .filter(file -> file.endsWith(".pid"))
                        .map(file -> file.substring(0, file.length() - ".pid".length()))
                        .filter(name -> Replicas.serviceOf(name) != null)
                        .sorted()
                        .forEach(names::add);
            } catch (IOException e) {
                throw new LocalProcessException("cannot list " + run + ": " + e.getMessage());
            }
        }
        SERVICES.stream().filter(service -> !names.contains(service)).forEach(names::add);
        return names;
    }

    private static String describe(String name) {
        String service = Replicas.serviceOf(name);
        return name.equals(service) ? "the " + service + " service" : "the " + service + " service's replica " + name;
    }

    private List<String> serviceCommand(String service, int threads) {
        return List.of(java(), "-Xmx2g", marker(), "-Dai.djl.pytorch.num_threads=" + threads,
                "-Dai.djl.pytorch.num_interop_threads=1", "-jar", runnerJar(service).toString());
    }

    private Map<String, String> serviceEnvironment(String name, StackConnection c, int port) {
        Map<String, String> env = new LinkedHashMap<>();
        // Each service signs in as its own Kafka user, which may write only that service's topics.
        env.putAll(KafkaClientConfig.asEnvironment(c.kafkaClientConfig(KafkaRole.valueOf(
                Replicas.serviceOf(name).toUpperCase(Locale.ROOT)).user())));
        env.put("COLLAPSE_S3_ENDPOINT", c.s3Endpoint());
        env.put("COLLAPSE_S3_ACCESS_KEY", c.s3AccessKey());
        env.put("COLLAPSE_S3_SECRET_KEY", c.s3SecretKey());
        env.put("COLLAPSE_S3_BUCKET", c.bucket());
        env.put("COLLAPSE_S3_REGION", c.s3Region());
        // Each replica its own producer.instance, so that the events say which process computed them.
        env.put("COLLAPSE_INSTANCE", "local-" + name);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        // Health and metrics are for this machine's CLI; nothing else needs to reach them.
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        // Dead letters the broker refuses wait here, beside the stack's state, until it takes them; each replica
        // its own directory, so that no two processes resend the same one.
        env.put("COLLAPSE_DEAD_LETTER_DIR", stateDir.resolve("dead-letters").resolve(name).toString());
        env.putAll(ComputeEnvironment.forComputeProcess());
        // The three engines share this machine's cores (the evaluator works while the trainer trains), and
        // OpenMP's idle threads spin by default: they took the cores from the busy service and more than doubled
        // the demo's wall time. Passive waiting costs a lone process about a third of its speed, so only
        // processes that share cores get it (docs/performance.md).
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        return env;
    }

    /**
     * Starts a process in a new session (so a Ctrl-C in this terminal does not reach it), at the given nice value
     * where the system can lower priorities, output to its log.
     */
    private void start(String name, List<String> command, Map<String, String> environment, int niceness) {
        List<String> full = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            full.add("/usr/bin/setsid");
        }
        if (niceness != 0 && Files.isExecutable(Path.of("/usr/bin/nice"))) {
            full.addAll(List.of("/usr/bin/nice", "-n", Integer.toString(niceness)));
        }
        full.addAll(command);
        rotateLog(name);
        logStart(name);
        ProcessBuilder builder = new ProcessBuilder(full)
                .directory(stateDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(name).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            write(pidFile(name), Long.toString(process.pid()));
        } catch (IOException e) {
            throw new LocalProcessException("could not start " + name + ": " + e.getMessage());
        }
    }

    /** Moves a log past {@link #LOG_ROTATE_BYTES} to {@code .log.1}, shifting the older ones up. */
    void rotateLog(String name) {
        Path log = log(name);
        try {
            if (!Files.isRegularFile(log) || Files.size(log) < LOG_ROTATE_BYTES) {
                return;
            }
            for (int n = LOG_GENERATIONS - 1; n >= 1; n--) {
                Path older = rotated(name, n);
                if (Files.exists(older)) {
                    Files.move(older, rotated(name, n + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(log, rotated(name, 1), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new LocalProcessException("cannot rotate " + log + ": " + e.getMessage());
        }
    }

    Path rotated(String name, int generation) {
        return logsDir().resolve(name + ".log." + generation);
    }

    /** Marks where this start's output begins, so a reader of the log tells the starts apart. */
    private void logStart(String name) {
        try {
            Files.writeString(log(name), System.lineSeparator() + START_MARK + Instant.now() + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new LocalProcessException("cannot write " + log(name) + ": " + e.getMessage());
        }
    }

    /** Waits for {@code line} in the output of the process's latest start (its log holds earlier ones too). */
    private void awaitLogLine(String name, String line, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Files.isRegularFile(log(name)) && latestStart(Files.readAllLines(log(name),
                        StandardCharsets.UTF_8)).stream().anyMatch(l -> l.strip().equals(line))) {
                    return;
                }
            } catch (IOException | UncheckedIOException e) {
                // the log is being written; look again
            }
            if (!startedAlive(name)) {
                throw new LocalProcessException(name + " exited during start-up; see " + log(name));
            }
            sleep(250);
        }
        throw new LocalProcessException(name + " was not ready after " + timeout.toSeconds() + " s; see " + log(name));
    }

    /**
     * What is wrong with the local services, one sentence each, for someone who sees a run stand still: a service
     * process (every replica) that is not running, or one whose readiness check does not answer 200, each with its
     * log. Empty when all of them run and are ready.
     */
    public List<String> serviceProblems() {
        List<String> problems = new ArrayList<>();
        List<String> started = startedServiceProcesses();
        for (String service : SERVICES) {
            started.stream().filter(name -> service.equals(Replicas.serviceOf(name)))
                    .sorted(Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder()))
                    .forEach(name -> {
                        if (running(name).isEmpty()) {
                            problems.add(name + " is not running; its log: " + log(name));
                        } else if (!ready(name)) {
                            problems.add(name + " is running but not ready (its broker or object store may be out "
                                    + "of reach); its log: " + log(name));
                        }
                    });
        }
        return problems;
    }

    private boolean ready(String name) {
        Optional<Integer> port = port(name);
        if (port.isEmpty()) {
            return false;
        }
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        try {
            return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * A running service's metrics in Prometheus' text format ({@code /q/metrics}).
     *
     * @throws LocalProcessException when the service is not running or does not answer
     */
    public String metrics(String service) {
        int port = port(service).orElseThrow(() ->
                new LocalProcessException("the " + service + " service is not running (no port file)"));
        URI uri = URI.create("http://127.0.0.1:" + port + "/q/metrics");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(METRICS_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new LocalProcessException(uri + " answered HTTP " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new LocalProcessException("cannot read the " + service + " service's metrics at " + uri + ": "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalProcessException("interrupted while reading " + uri);
        }
    }

    private void awaitReady(String service, Duration timeout) {
        int port = port(service).orElseThrow();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalProcessException("interrupted while waiting for " + service);
            }
            if (!startedAlive(service)) {
                throw new LocalProcessException("the " + service + " service exited during start-up; see "
                        + log(service));
            }
            sleep(500);
        }
        throw new LocalProcessException("the " + service + " service was not ready after " + timeout.toSeconds()
                + " s; see " + log(service));
    }

    private static void stop(ProcessHandle process) {
        process.destroy();
        try {
            process.onExit().get(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception again) {
                throw new LocalProcessException("process " + process.pid() + " did not stop, even when killed");
            }
        }
    }

    /**
     * Whether the process just started under that name still lives. Its command line is not checked: right after
     * the start it may still be the session launcher that is about to become the JVM.
     */
    private boolean startedAlive(String name) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile(name)).strip());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** Every process started for this state directory, found by the marker on its command line. */
    public List<ProcessHandle> allStarted() {
        String marker = marker();
        return ProcessHandle.allProcesses()
                .filter(p -> commandLine(p).contains(marker))
                .toList();
    }

    /**
     * A system property naming the state directory, so our processes are recognisable by their command line. Outside
     * the services' {@code collapse.} configuration prefix, which they validate strictly.
     */
    private String marker() {
        return "-Dcollapselab.local-state=" + stateDir;
    }

    /** Guards against a recycled pid: the process must be one of ours by its command line. */
    private boolean isOurs(ProcessHandle process, String name) {
        String commandLine = commandLine(process);
        return commandLine.contains(marker()) && (STACK.equals(name) ? commandLine.contains(StackMain.class.getName())
                : commandLine.contains(runnerJar(Replicas.serviceOf(name)).toString()));
    }

    /**
     * The full command line. The JDK's {@code ProcessHandle.Info} gives none for command lines as long as a JVM's
     * with its class path spelled out, so Linux's own record is read first.
     */
    private static String commandLine(ProcessHandle process) {
        Path procCmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        try {
            if (Files.isReadable(procCmdline)) {
                return new String(Files.readAllBytes(procCmdline), StandardCharsets.UTF_8).replace('\0', ' ');
            }
        } catch (IOException e) {
            // the process ended meanwhile; fall back to what the JDK knows
        }
        return process.info().commandLine().orElse("");
    }

    private static List<String> latestStart(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(START_MARK)) {
                return lines.subList(i + 1, lines.size());
            }
        }
        return lines;
    }

    private Path pidFile(String name) {
        return stateDir.resolve("run").resolve(name + ".pid");
    }

    private void mkdirs() {
        try {
            Files.createDirectories(logsDir());
            Files.createDirectories(stateDir.resolve("run"));
            Files.createDirectories(stackDir());
        } catch (IOException e) {
            throw new LocalProcessException("cannot create " + stateDir + ": " + e.getMessage());
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(file, content + "\n");
        } catch (IOException e) {
            throw new LocalProcessException("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover pid file is re-checked against the live process next time
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new LocalProcessException("no free port: " + e.getMessage());
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static java.io.File nullDevice() {
        return new java.io.File("/dev/null");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalProcessException("interrupted");
        }
    }
}
