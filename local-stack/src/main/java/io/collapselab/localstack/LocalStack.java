package io.collapselab.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker and a real S3 server (S3Proxy, filesystem backend) running in this JVM,
 * with all their state in one data directory:
 * <ul>
 *   <li>{@code local-stack.properties}: cluster id, ports and S3 credentials (owner-only permissions);</li>
 *   <li>{@code kafka-credentials.properties}: the Kafka users' SCRAM passwords (owner-only permissions);</li>
 *   <li>{@code kafka/}: the broker's log directory (topics, records, committed consumer-group offsets);</li>
 *   <li>{@code s3/}: the S3 objects, one file per object at {@code s3/<bucket>/<key>}.</li>
 * </ul>
 * Starting again on the same directory brings back the same topics, records, offsets and objects, on the same
 * ports and with the same credentials, so clients configured against the first start keep working. Only one
 * stack at a time may use a data directory.
 *
 * <p>The broker lets no one in anonymously: clients sign in with SASL/SCRAM-SHA-512 as one of the
 * {@linkplain Builder#kafkaUsers users} the stack was started with, or as the {@value #ADMIN_USER} super user, and
 * may do only what their ACLs allow; {@link #kafkaClientConfig(String)} gives the settings for either.
 *
 * <p>Logging: the broker, S3Proxy and Jetty log hundreds of INFO lines per start. When SLF4J is bound to
 * slf4j-simple (as in the project's tests and CLI), {@link Builder#start()} turns them down to WARN by setting the
 * system properties {@code org.slf4j.simpleLogger.log.<name>=warn} for {@code kafka}, {@code org.apache.kafka},
 * {@code state.change.logger}, {@code org.gaul} and {@code org.eclipse.jetty}, unless they are already set. Set
 * them yourself to get the INFO lines back, e.g. {@code -Dorg.slf4j.simpleLogger.log.kafka=info
 * -Dorg.slf4j.simpleLogger.log.org.apache.kafka=info}. Under another binding, configure those logger names there.
 */
public final class LocalStack implements AutoCloseable {

    public static final String DEFAULT_BUCKET = "collapse";
    public static final String REGION = "us-east-1";
    /** The broker's super user: the broker's own identity, and the stack's for creating topics and users. */
    public static final String ADMIN_USER = KafkaCredentials.ADMIN;

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final String LOCK_FILE = "local-stack.lock";
    // S3's bucket naming rules, minus dotted names (which break path-style TLS and are never needed here).
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");

    private final Path dataDir;
    private final String bucket;
    private final StackState state;
    private final EmbeddedKafka kafka;
    private final EmbeddedS3 s3;
    private final FileChannel lockChannel;
    private boolean closed;

    private LocalStack(Path dataDir, String bucket, StackState state, EmbeddedKafka kafka, EmbeddedS3 s3,
                       FileChannel lockChannel) {
        this.dataDir = dataDir;
        this.bucket = bucket;
        this.state = state;
        this.kafka = kafka;
        this.s3 = s3;
        this.lockChannel = lockChannel;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code host:port} of the broker's client listener (SASL/SCRAM-SHA-512). */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /**
     * Kafka client settings that sign in as {@code user} (one of the stack's users, or {@value #ADMIN_USER}):
     * bootstrap servers, security protocol, SASL mechanism and JAAS line. Kafka logs the JAAS line as
     * {@code [hidden]}; do not log this map yourself.
     *
     * @throws IllegalArgumentException when the stack has no such user
     */
    public Map<String, Object> kafkaClientConfig(String user) {
        return kafka.clientConfig(user);
    }

    /** The SCRAM password of {@code user}, generated on the first start that named it; never logged. */
    public String kafkaPassword(String user) {
        return kafka.password(user);
    }

    /** {@code http://127.0.0.1:PORT}; path-style addressing. */
    public String s3Endpoint() {
        return s3.endpoint();
    }

    public String s3AccessKey() {
        return state.s3AccessKey();
    }

    /** Generated on the first start of a data directory and kept in its state file; never logged. */
    public String s3SecretKey() {
        return state.s3SecretKey();
    }

    public String bucket() {
        return bucket;
    }

    public String s3Region() {
        return REGION;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Where the filesystem backend keeps objects: the object {@code key} of bucket {@code b} is the file b/key. */
    public Path s3DataDir() {
        return s3DataDir(dataDir);
    }

    /** The file that holds this data directory's ports and S3 credentials. */
    public Path stateFile() {
        return StackState.file(dataDir);
    }

    /** The file that holds the Kafka users' passwords. */
    public Path kafkaCredentialsFile() {
        return KafkaCredentials.file(dataDir);
    }

    /** Stops the S3 server and shuts the broker down cleanly (flushing its logs); safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long start = System.nanoTime();
        List<Exception> failures = new ArrayList<>();
        try {
            s3.close();
        } catch (Exception e) {
            failures.add(e);
        }
        try {
            kafka.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        try {
            lockChannel.close();
        } catch (IOException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            LocalStackException failure = new LocalStackException("the local stack in " + dataDir
                    + " did not shut down cleanly: " + failures.get(0).getMessage(), failures.get(0));
            failures.subList(1, failures.size()).forEach(failure::addSuppressed);
            throw failure;
        }
        LOG.info("Local stack in {} stopped in {} ms", dataDir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    @Override
    public String toString() {
        return "LocalStack[kafka=" + bootstrapServers() + ", s3=" + s3Endpoint() + ", bucket=" + bucket
                + ", dataDir=" + dataDir + "]";
    }

    private static Path kafkaDir(Path dataDir) {
        return dataDir.resolve("kafka");
    }

    private static Path s3DataDir(Path dataDir) {
        return dataDir.resolve("s3");
    }

    /** Configures and starts a {@link LocalStack}. */
    public static final class Builder {

        private Path dataDir;
        private List<TopicSpec> topics = List.of();
        private List<KafkaUserSpec> kafkaUsers = List.of();
        private String bucket = DEFAULT_BUCKET;
        private int kafkaPort;
        private int s3Port;

        private Builder() {
        }

        /** Required. Created if missing; reused (with everything in it) if it already holds a stack. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /**
         * Topics to create if they do not exist yet. Existing topics are left exactly as they are, even if their
         * partitions or configs differ from these. The broker keeps Kafka's default of auto-creating a topic
         * (with one partition and default configs) on first use, so list every topic whose settings matter.
         */
        public Builder topics(List<TopicSpec> topics) {
            this.topics = List.copyOf(topics);
            return this;
        }

        /**
         * The Kafka users to give a password and ACLs. Those of earlier starts keep their passwords (and ACLs);
         * every client other than the admin must be one of these.
         */
        public Builder kafkaUsers(List<KafkaUserSpec> kafkaUsers) {
            this.kafkaUsers = List.copyOf(kafkaUsers);
            return this;
        }

        /** The bucket to create if missing; {@value LocalStack#DEFAULT_BUCKET} unless set. */
        public Builder bucket(String bucket) {
            if (bucket == null || !BUCKET_NAME.matcher(bucket).matches()) {
                throw new IllegalArgumentException("bucket name '" + bucket + "' is not a valid S3 bucket name:"
                        + " use 3 to 63 of [a-z0-9-], starting and ending with a letter or digit");
            }
            this.bucket = bucket;
            return this;
        }

        /**
         * The broker's client port. 0 (the default) reuses the port of the data directory's previous start, or
         * picks a free one on the first start.
         */
        public Builder kafkaPort(int kafkaPort) {
            this.kafkaPort = requirePort(kafkaPort, "kafkaPort");
            return this;
        }

        /** The S3 server's port; 0 behaves as for {@link #kafkaPort(int)}. */
        public Builder s3Port(int s3Port) {
            this.s3Port = requirePort(s3Port, "s3Port");
            return this;
        }

        /**
         * Starts the broker and the S3 server, creates missing topics and the bucket, and returns once clients
         * can connect.
         *
         * @throws LocalStackException if the data directory is in use, a port is taken, or either server fails
         */
        public LocalStack start() {
            if (dataDir == null) {
                throw new IllegalStateException("LocalStack.builder() needs a dataDir(...) before start()");
            }
            QuietLogging.apply();
            long startNanos = System.nanoTime();
            Path dir = dataDir.toAbsolutePath().normalize();
            FileChannel lock = lockDataDir(dir);
            FutureTask<EmbeddedS3> s3Start = null;
            EmbeddedKafka kafka = null;
            EmbeddedS3 s3 = null;
            try {
                StackState state = resolveState(dir);
                s3Start = inBackground("local-stack-s3-start", () -> EmbeddedS3.start(s3DataDir(dir), state.s3Port(),
                        state.s3AccessKey(), state.s3SecretKey(), bucket));
                KafkaCredentials credentials = KafkaCredentials.loadOrCreate(dir,
                        kafkaUsers.stream().map(KafkaUserSpec::name).toList(),
                        EmbeddedKafka.isFormatted(kafkaDir(dir)));
                kafka = EmbeddedKafka.start(kafkaDir(dir), state.clusterId(), state.kafkaPort(),
                        state.controllerPort(), credentials);
                kafka.configureUsers(kafkaUsers);
                kafka.createMissingTopics(topics);
                s3 = awaitS3(s3Start);
                LocalStack stack = new LocalStack(dir, bucket, state, kafka, s3, lock);
                LOG.info("Local stack started in {} ms: Kafka at {}, S3 at {} (bucket {}), data in {}",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), stack.bootstrapServers(),
                        stack.s3Endpoint(), bucket, dir);
                return stack;
            } catch (Exception e) {
                if (s3 == null && s3Start != null) {
                    s3 = startedOrNull(s3Start, e);
                }
                stopQuietly(s3, e);
                stopQuietly(kafka, e);
                stopQuietly(lock, e);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                String reason = e instanceof LocalStackException ? e.getMessage() : e.toString();
                throw new LocalStackException("could not start the local stack in " + dir + ": " + reason, e);
            }
        }

        /**
         * S3Proxy's start is mostly class loading and the broker's partly waiting on itself, so running them side by
         * side takes little longer than the broker alone.
         */
        private static <T> FutureTask<T> inBackground(String threadName, Callable<T> task) {
            FutureTask<T> future = new FutureTask<>(task);
            Thread thread = new Thread(future, threadName);
            thread.setDaemon(true);
            thread.start();
            return future;
        }

        private static EmbeddedS3 awaitS3(FutureTask<EmbeddedS3> s3Start) throws Exception {
            try {
                return s3Start.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }

        /** After a failed start: the S3 server if its start succeeded (so it can be stopped), else null. */
        private static EmbeddedS3 startedOrNull(FutureTask<EmbeddedS3> s3Start, Exception primary) {
            try {
                return s3Start.get();
            } catch (ExecutionException e) {
                if (e.getCause() != primary) {
                    primary.addSuppressed(e.getCause());
                }
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        /** Reads the data directory's state, filling in what this start needs, and stores it if it changed. */
        private StackState resolveState(Path dir) throws IOException {
            StackState stored = StackState.load(dir);
            StackState state;
            if (stored == null) {
                // A kafka/ directory without a state file: keep its cluster id, or the broker would refuse it.
                String clusterId = EmbeddedKafka.isFormatted(kafkaDir(dir))
                        ? EmbeddedKafka.formattedClusterId(kafkaDir(dir))
                        : Uuid.randomUuid().toString();
                int[] free = freePorts(3);
                state = StackState.fresh(clusterId, choose(kafkaPort, free[0]), free[1], choose(s3Port, free[2]));
            } else {
                state = stored.withPorts(choose(kafkaPort, stored.kafkaPort()), stored.controllerPort(),
                        choose(s3Port, stored.s3Port()));
            }
            if (state.kafkaPort() == state.s3Port() || state.controllerPort() == state.kafkaPort()
                    || state.controllerPort() == state.s3Port()) {
                throw new LocalStackException("ports must differ, but Kafka would use " + state.kafkaPort()
                        + " (controller " + state.controllerPort() + ") and S3 " + state.s3Port()
                        + "; pass distinct kafkaPort/s3Port");
            }
            requireFree(state.kafkaPort(), "Kafka", dir);
            requireFree(state.controllerPort(), "the Kafka controller", dir);
            requireFree(state.s3Port(), "S3", dir);
            if (!state.equals(stored)) {
                state.store(dir);
            }
            return state;
        }

        private static int choose(int requested, int fallback) {
            return requested != 0 ? requested : fallback;
        }

        private static int requirePort(int port, String name) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " must be 0 (pick one) or a port in 1-65535, got " + port);
            }
            return port;
        }

        /** Holds all sockets open until every port is known, so the same port is never handed out twice. */
        private static int[] freePorts(int count) throws IOException {
            List<ServerSocket> sockets = new ArrayList<>();
            try {
                int[] ports = new int[count];
                for (int i = 0; i < count; i++) {
                    ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    sockets.add(socket);
                    ports[i] = socket.getLocalPort();
                }
                return ports;
            } finally {
                for (ServerSocket socket : sockets) {
                    socket.close();
                }
            }
        }

        /** Checks up front so that a taken port gives an actionable message rather than a bind stack trace. */
        private static void requireFree(int port, String what, Path dir) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException e) {
                throw new LocalStackException("port " + port + " for " + what + " is already in use on 127.0.0.1"
                        + " (this data directory's ports are recorded in " + StackState.file(dir) + "): stop the"
                        + " process holding it, or pass another port to the builder");
            }
        }

        private static FileChannel lockDataDir(Path dir) {
            try {
                Files.createDirectories(dir);
                FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    channel.close();
                    throw new LocalStackException("the data directory " + dir + " is in use by another running"
                            + " local stack; stop that one first (collapse down), or use another data directory");
                }
                return channel;
            } catch (IOException e) {
                throw new LocalStackException("cannot use " + dir + " as the local stack's data directory: " + e, e);
            }
        }

        private static void stopQuietly(AutoCloseable resource, Exception primary) {
            if (resource == null) {
                return;
            }
            try {
                resource.close();
            } catch (Exception e) {
                primary.addSuppressed(e);
            }
        }
    }
}
