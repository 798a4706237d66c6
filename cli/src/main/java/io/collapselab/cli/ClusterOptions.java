package io.collapselab.cli;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.S3Settings;
import io.collapselab.cli.local.LocalProcesses;
import io.collapselab.cli.runs.KafkaClientConfig;
import io.collapselab.events.kafka.KafkaRole;
import io.collapselab.localstack.ScramLogin;
import io.collapselab.localstack.StackConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Where the cluster is, for commands that talk to Kafka and the object store. Two ways to say it:
 * <ul>
 *   <li>a real cluster: {@code --bootstrap-servers} and {@code --s3-endpoint} (or {@code $KAFKA_BOOTSTRAP_SERVERS}
 *       and {@code $COLLAPSE_S3_ENDPOINT}), signed in to Kafka as {@code --kafka-user} with the password in
 *       {@code --kafka-password-file} (SCRAM-SHA-512 over {@code $KAFKA_SECURITY_PROTOCOL}, else SASL_PLAINTEXT),
 *       or with {@code $KAFKA_SECURITY_PROTOCOL}, {@code $KAFKA_SASL_MECHANISM} and {@code $KAFKA_SASL_JAAS_CONFIG}
 *       (the names the services read), with the access key from {@code --s3-access-key} or
 *       {@code $COLLAPSE_S3_ACCESS_KEY} and the secret key from {@code $COLLAPSE_S3_SECRET_KEY} or
 *       {@code --s3-secret-key-file}. The secret is never an option value, which would land in the shell's history
 *       and the process list, and is never printed;</li>
 *   <li>with neither an address option nor its variable given: the embedded local stack that {@code collapse up}
 *       keeps in {@value #LOCAL_STACK_DIR_NAME}, whose ports and credentials are those of its state there
 *       ({@link StackConnection}). Its credentials are its own, a Kafka user per {@link KafkaRole}: each command
 *       signs in as the role it plays ({@code submit} and {@code demo} as the submitter, the read-only commands as
 *       the auditor); {@code --s3-bucket} and {@code --s3-region} still apply.</li>
 * </ul>
 * Giving only one of the two addresses is an error rather than a mix of a real cluster and the local stack. Every
 * problem is a {@link UsageError} that says what to pass.
 */
public final class ClusterOptions {

    public static final String BOOTSTRAP_SERVERS_ENV = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String S3_ENDPOINT_ENV = "COLLAPSE_S3_ENDPOINT";
    public static final String S3_BUCKET_ENV = "COLLAPSE_S3_BUCKET";
    public static final String S3_REGION_ENV = "COLLAPSE_S3_REGION";
    public static final String S3_ACCESS_KEY_ENV = "COLLAPSE_S3_ACCESS_KEY";
    public static final String S3_SECRET_KEY_ENV = "COLLAPSE_S3_SECRET_KEY";
    public static final String DEFAULT_BUCKET = "collapse";
    public static final String DEFAULT_REGION = "us-east-1";

    /** Where {@code collapse up} keeps its local stack, relative to the working directory. */
    public static final Path LOCAL_STACK_DIR = Path.of(".collapse", "stack");

    private static final String LOCAL_STACK_DIR_NAME = ".collapse/stack";
    private static final Duration BROKER_TIMEOUT = Duration.ofSeconds(15);

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers of the cluster (default: $" + BOOTSTRAP_SERVERS_ENV
                    + ", else the local stack in " + LOCAL_STACK_DIR_NAME + ").")
    String bootstrapServers;

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "S3 endpoint of the cluster's object store, e.g. http://minio:9000 (default: $"
                    + S3_ENDPOINT_ENV + ", else the local stack in " + LOCAL_STACK_DIR_NAME + ").")
    String s3Endpoint;

    @Option(names = "--s3-bucket", paramLabel = "NAME",
            description = "Bucket of the checkpoints and corpora (default: $" + S3_BUCKET_ENV + ", else "
                    + DEFAULT_BUCKET + ").")
    String s3Bucket;

    @Option(names = "--s3-region", paramLabel = "REGION",
            description = "S3 region (default: $" + S3_REGION_ENV + ", else " + DEFAULT_REGION + ").")
    String s3Region;

    @Option(names = "--s3-access-key", paramLabel = "KEY",
            description = "S3 access key (default: $" + S3_ACCESS_KEY_ENV + ").")
    String s3AccessKey;

    @Option(names = "--s3-secret-key-file", paramLabel = "FILE",
            description = "File holding the S3 secret key (default: $" + S3_SECRET_KEY_ENV + ").")
    Path s3SecretKeyFile;

    @Option(names = "--kafka-user", paramLabel = "NAME",
            description = "Kafka user to sign in as, with SCRAM-SHA-512 (default: the one in"
                    + " $KAFKA_SASL_JAAS_CONFIG; for the local stack, the user of the command's role).")
    String kafkaUser;

    @Option(names = "--kafka-password-file", paramLabel = "FILE",
            description = "File holding the password of --kafka-user.")
    Path kafkaPasswordFile;

    // Accepted only to be refused without echoing it: an unknown option's value would be printed back.
    @Option(names = "--s3-secret-key", hidden = true, paramLabel = "SECRET")
    String secretKeyOnCommandLine;

    // Seams for tests, which can set neither the process environment nor the working directory.
    Function<String, String> environment = System::getenv;
    Path localStackDir = LOCAL_STACK_DIR;

    /** Where the events and objects are, for commands that need both, and how each role signs in to Kafka. */
    record Cluster(String bootstrapServers, S3Settings s3, Function<KafkaRole, Map<String, Object>> kafkaLogin) {

        static Cluster embedded(StackConnection stack) {
            return new Cluster(stack.bootstrapServers(), new S3Settings(stack.s3Endpoint(), stack.s3AccessKey(),
                    stack.s3SecretKey(), stack.bucket(), stack.s3Region()),
                    role -> stack.kafkaClientConfig(role.user()));
        }

        /** Kafka client settings that sign in as {@code role} ({@link KafkaClientConfig}). */
        Map<String, Object> kafka(KafkaRole role) {
            return kafkaLogin.apply(role);
        }
    }

    /**
     * The cluster these options name, else the local stack of {@code local}'s state directory, after checking that
     * its broker answers.
     */
    Cluster resolve(LocalProcesses local) {
        localStackDir = local.stackDir();
        brokerProblem(BROKER_TIMEOUT).ifPresent(problem -> {
            throw new UsageError(problem);
        });
        return new Cluster(bootstrapServers(), s3Settings(), this::kafkaClientConfig);
    }

    /** Whether these options name the local stack (no cluster given on the command line or in the environment). */
    boolean isLocalStack() {
        return setting(bootstrapServers, BOOTSTRAP_SERVERS_ENV).isEmpty();
    }

    /** The Kafka bootstrap servers. */
    public String bootstrapServers() {
        refuseSecretOnCommandLine();
        Optional<String> explicit = setting(bootstrapServers, BOOTSTRAP_SERVERS_ENV);
        if (explicit.isPresent()) {
            return explicit.get();
        }
        if (setting(s3Endpoint, S3_ENDPOINT_ENV).isPresent()) {
            throw new UsageError("--s3-endpoint is given but not --bootstrap-servers: pass both (or $"
                    + BOOTSTRAP_SERVERS_ENV + " and $" + S3_ENDPOINT_ENV + ") for a cluster, or neither for the"
                    + " local stack");
        }
        return localStack(bucket()).bootstrapServers();
    }

    /**
     * Kafka client settings that sign in as {@code role}: the local stack's user of that role, or for a cluster
     * the security settings of the environment ({@link KafkaClientConfig#fromEnvironment}).
     */
    public Map<String, Object> kafkaClientConfig(KafkaRole role) {
        String servers = bootstrapServers();
        if (!isLocalStack()) {
            Map<String, Object> fromEnvironment = KafkaClientConfig.fromEnvironment(servers, environment);
            if (kafkaUser == null) {
                if (kafkaPasswordFile != null) {
                    throw new UsageError("--kafka-password-file is given but not --kafka-user: pass both");
                }
                return fromEnvironment;
            }
            String protocol = setting(null, KafkaClientConfig.SECURITY_PROTOCOL_ENV)
                    .orElse(ScramLogin.PLAINTEXT_PROTOCOL);
            try {
                return ScramLogin.clientConfig(servers, protocol, kafkaUser, kafkaPassword());
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage() + "; check --kafka-user and --kafka-password-file");
            }
        }
        if (kafkaUser != null || kafkaPasswordFile != null) {
            throw new UsageError("--kafka-user and --kafka-password-file are for a cluster given with"
                    + " --bootstrap-servers; the local stack signs each command in as its role");
        }
        try {
            return localStack(bucket()).kafkaClientConfig(role.user());
        } catch (IllegalArgumentException e) {
            throw new UsageError("the local stack in " + localStackDir + " has no Kafka user for the " + role.user()
                    + " (it was started by an older version): stop it with ./collapse down and start it again");
        }
    }

    /** Where the object store is and how to sign in; {@link S3Settings#toString()} hides the secret. */
    public S3Settings s3Settings() {
        refuseSecretOnCommandLine();
        String bucket = bucket();
        String region = setting(s3Region, S3_REGION_ENV).orElse(DEFAULT_REGION);
        Optional<String> endpoint = setting(s3Endpoint, S3_ENDPOINT_ENV);
        if (endpoint.isEmpty() && setting(bootstrapServers, BOOTSTRAP_SERVERS_ENV).isPresent()) {
            throw new UsageError("--bootstrap-servers is given but not --s3-endpoint: pass both (or $"
                    + BOOTSTRAP_SERVERS_ENV + " and $" + S3_ENDPOINT_ENV + ") for a cluster, or neither for the"
                    + " local stack");
        }
        if (endpoint.isEmpty()) {
            StackConnection stack = localStack(bucket);
            return settings(stack.s3Endpoint(), stack.s3AccessKey(), stack.s3SecretKey(), stack.bucket(), region);
        }
        String accessKey = setting(s3AccessKey, S3_ACCESS_KEY_ENV).orElseThrow(() -> new UsageError(
                "no S3 access key for " + endpoint.get() + ": pass --s3-access-key or set $" + S3_ACCESS_KEY_ENV));
        return settings(endpoint.get(), accessKey, secretKey(endpoint.get()), bucket, region);
    }

    /**
     * Why the Kafka cluster cannot be used, in one line that says what to do; empty when a broker answered within
     * {@code timeout}. Clients otherwise retry for minutes before they give up on an address nobody listens on.
     */
    public Optional<String> brokerProblem(Duration timeout) {
        String servers = bootstrapServers();
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Admin admin;
        try {
            admin = Admin.create(KafkaClientConfig.with(kafkaClientConfig(KafkaRole.AUDITOR), Map.of(
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs)));
        } catch (KafkaException e) {
            // Thrown for addresses that are not host:port or do not resolve.
            return Optional.of("cannot use Kafka bootstrap servers '" + servers + "': " + rootMessage(e) + "; "
                    + hint());
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).clusterId()
                    .get(timeoutMs + 1_000L, TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException) {
                return Optional.of("Kafka at " + servers + " refused to sign in: " + e.getCause().getMessage() + "; "
                        + (explicitlyAddressed() ? "check $KAFKA_SASL_JAAS_CONFIG and $KAFKA_SASL_MECHANISM"
                        : "the local stack's credentials file may be damaged"));
            }
            return Optional.of("no Kafka broker answered at " + servers + " within " + timeout.toSeconds() + " s; "
                    + hint());
        } catch (TimeoutException e) {
            return Optional.of("no Kafka broker answered at " + servers + " within " + timeout.toSeconds() + " s; "
                    + hint());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while connecting to Kafka at " + servers);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    /** Why the object store cannot be used, in one line that says what to do; empty when it answered. */
    public Optional<String> s3Problem() {
        S3Settings settings = s3Settings();
        try (ArtifactStore store = new ArtifactStore(settings)) {
            if (store.isReachable()) {
                return Optional.empty();
            }
        }
        return Optional.of("the S3 server at " + settings.endpoint() + " did not answer, or refused the"
                + " credentials; " + hint() + (explicitlyAddressed() ? ", and the S3 access and secret key" : ""));
    }

    private void refuseSecretOnCommandLine() {
        if (secretKeyOnCommandLine != null) {
            throw new UsageError("--s3-secret-key is not accepted, since a secret on the command line lands in the"
                    + " shell's history and the process list: set $" + S3_SECRET_KEY_ENV + " or pass"
                    + " --s3-secret-key-file FILE");
        }
    }

    private String hint() {
        return explicitlyAddressed()
                ? "check the address and that the cluster is up"
                : "start the local stack with ./collapse up, or pass --bootstrap-servers and --s3-endpoint";
    }

    private boolean explicitlyAddressed() {
        return setting(bootstrapServers, BOOTSTRAP_SERVERS_ENV).isPresent()
                || setting(s3Endpoint, S3_ENDPOINT_ENV).isPresent();
    }

    private String bucket() {
        return setting(s3Bucket, S3_BUCKET_ENV).orElse(DEFAULT_BUCKET);
    }

    private String secretKey(String endpoint) {
        if (s3SecretKeyFile != null) {
            String secret;
            try {
                secret = Files.readString(s3SecretKeyFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UsageError("cannot read the S3 secret key file " + s3SecretKeyFile + " ("
                        + e.getClass().getSimpleName() + "); check --s3-secret-key-file");
            }
            if (secret.isEmpty()) {
                throw new UsageError("the S3 secret key file " + s3SecretKeyFile + " is empty; check"
                        + " --s3-secret-key-file");
            }
            return secret;
        }
        return setting(null, S3_SECRET_KEY_ENV).orElseThrow(() -> new UsageError("no S3 secret key for " + endpoint
                + ": set $" + S3_SECRET_KEY_ENV + " or pass --s3-secret-key-file FILE"));
    }

    private String kafkaPassword() {
        if (kafkaPasswordFile == null) {
            throw new UsageError("--kafka-user " + kafkaUser + " needs its password: pass --kafka-password-file FILE");
        }
        String password;
        try {
            password = Files.readString(kafkaPasswordFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UsageError("cannot read the Kafka password file " + kafkaPasswordFile + " ("
                    + e.getClass().getSimpleName() + "); check --kafka-password-file");
        }
        if (password.isEmpty()) {
            throw new UsageError("the Kafka password file " + kafkaPasswordFile + " is empty; check"
                    + " --kafka-password-file");
        }
        return password;
    }

    private static S3Settings settings(String endpoint, String accessKey, String secretKey, String bucket,
                                       String region) {
        try {
            return new S3Settings(endpoint, accessKey, secretKey, bucket, region);
        } catch (IllegalArgumentException e) {
            // The settings' own messages name the endpoint or bucket, never the secret.
            throw new UsageError(e.getMessage() + "; check --s3-endpoint and --s3-bucket");
        }
    }

    private Optional<String> setting(String optionValue, String environmentVariable) {
        if (optionValue != null && !optionValue.isBlank()) {
            return Optional.of(optionValue.strip());
        }
        String fromEnvironment = environment.apply(environmentVariable);
        return fromEnvironment == null || fromEnvironment.isBlank()
                ? Optional.empty()
                : Optional.of(fromEnvironment.strip());
    }

    /** The local stack's connection, with {@code bucket}; a {@link UsageError} when there is none to be had. */
    private StackConnection localStack(String bucket) {
        Optional<StackConnection> stack;
        try {
            stack = StackConnection.of(localStackDir, bucket);
        } catch (IOException e) {
            throw new UsageError("cannot use the local stack in " + localStackDir + ": " + e.getMessage());
        }
        return stack.orElseThrow(() -> new UsageError("no cluster given and no local stack in " + localStackDir
                + ": pass --bootstrap-servers and --s3-endpoint (or set $" + BOOTSTRAP_SERVERS_ENV + " and $"
                + S3_ENDPOINT_ENV + "), or start the local stack with ./collapse up"));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
