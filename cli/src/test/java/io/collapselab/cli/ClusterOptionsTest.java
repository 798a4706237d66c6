package io.collapselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.artifacts.S3Settings;
import io.collapselab.events.kafka.KafkaRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Where {@link ClusterOptions} finds the cluster, with the environment and the local stack's directory faked. */
class ClusterOptionsTest {

    private static final String SECRET = "s3cr3t-never-shown";
    private static final String KAFKA_PASSWORD = "kafka-pa55word-never-shown";

    @TempDir
    Path dir;

    private final Map<String, String> environment = new HashMap<>();

    @Test
    void optionsNameARealCluster() throws Exception {
        Path secretFile = Files.writeString(dir.resolve("secret"), SECRET + "\n");
        ClusterOptions options = parse("--bootstrap-servers", "kafka-0:9092,kafka-1:9092", "--s3-endpoint",
                "https://minio.example:9000", "--s3-bucket", "experiments", "--s3-region", "eu-west-1",
                "--s3-access-key", "AKIA1", "--s3-secret-key-file", secretFile.toString());

        assertEquals("kafka-0:9092,kafka-1:9092", options.bootstrapServers());
        assertEquals(new S3Settings("https://minio.example:9000", "AKIA1", SECRET, "experiments", "eu-west-1"),
                options.s3Settings());
    }

    @Test
    void environmentVariablesStandInForOptionsAndOptionsWin() {
        environment.put("KAFKA_BOOTSTRAP_SERVERS", "env-kafka:9092");
        environment.put("COLLAPSE_S3_ENDPOINT", "http://env-minio:9000");
        environment.put("COLLAPSE_S3_ACCESS_KEY", "env-key");
        environment.put("COLLAPSE_S3_SECRET_KEY", SECRET);
        environment.put("COLLAPSE_S3_BUCKET", "env-bucket");

        ClusterOptions fromEnvironment = parse();
        assertEquals("env-kafka:9092", fromEnvironment.bootstrapServers());
        assertEquals(new S3Settings("http://env-minio:9000", "env-key", SECRET, "env-bucket", "us-east-1"),
                fromEnvironment.s3Settings());

        ClusterOptions overridden = parse("--bootstrap-servers", "option-kafka:9092", "--s3-bucket", "b-option");
        assertEquals("option-kafka:9092", overridden.bootstrapServers());
        assertEquals("b-option", overridden.s3Settings().bucket());
    }

    @Test
    void withoutAnAddressTheLocalStacksStateIsUsed() throws Exception {
        ClusterOptions options = parse("--s3-bucket", "other-bucket");
        options.localStackDir = localStack("19092");

        assertEquals("127.0.0.1:19092", options.bootstrapServers());
        assertEquals(new S3Settings("http://127.0.0.1:19000", "LOCALKEY", SECRET, "other-bucket", "us-east-1"),
                options.s3Settings());
    }

    @Test
    void theLocalStackSignsEachRoleInAsItsOwnUser() throws Exception {
        ClusterOptions options = parse();
        options.localStackDir = localStack("19092");

        Map<String, Object> auditor = options.kafkaClientConfig(KafkaRole.AUDITOR);
        assertEquals("127.0.0.1:19092", auditor.get("bootstrap.servers"));
        assertEquals("SCRAM-SHA-512", auditor.get("sasl.mechanism"));
        assertTrue(auditor.get("sasl.jaas.config").toString().contains("username=\"auditor\" password=\""
                + KAFKA_PASSWORD + "\""), "the auditor's password");

        UsageError error = assertThrows(UsageError.class, () -> options.kafkaClientConfig(KafkaRole.TRAINER));
        assertTrue(error.getMessage().contains("has no Kafka user for the trainer"), error.getMessage());
        assertFalse(error.getMessage().contains(KAFKA_PASSWORD), error.getMessage());
    }

    @Test
    void aClusterSignsInAsTheKafkaUserOfTheOptionsOrWithTheEnvironmentsJaasLine() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("kafka-password"), KAFKA_PASSWORD + "\n");
        ClusterOptions options = parse("--bootstrap-servers", "kafka:9093", "--kafka-user", "auditor",
                "--kafka-password-file", passwordFile.toString());
        environment.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");

        Map<String, Object> config = options.kafkaClientConfig(KafkaRole.AUDITOR);
        assertEquals("SASL_SSL", config.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", config.get("sasl.mechanism"));
        assertTrue(config.get("sasl.jaas.config").toString().contains("username=\"auditor\" password=\""
                + KAFKA_PASSWORD + "\";"), "the password is read from the file, stripped");

        environment.put("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
        environment.put("KAFKA_SASL_JAAS_CONFIG", "jaas-line-from-a-secret");
        Map<String, Object> fromEnvironment = parse("--bootstrap-servers", "kafka:9093")
                .kafkaClientConfig(KafkaRole.AUDITOR);
        assertEquals(Map.of("bootstrap.servers", "kafka:9093", "security.protocol", "SASL_SSL", "sasl.mechanism",
                "SCRAM-SHA-512", "sasl.jaas.config", "jaas-line-from-a-secret"), fromEnvironment);

        UsageError noPassword = assertThrows(UsageError.class, () -> parse("--bootstrap-servers", "kafka:9093",
                "--kafka-user", "auditor").kafkaClientConfig(KafkaRole.AUDITOR));
        assertTrue(noPassword.getMessage().contains("pass --kafka-password-file FILE"), noPassword.getMessage());
    }

    @Test
    void withNeitherAnAddressNorALocalStackTheErrorSaysWhatToDo() {
        ClusterOptions options = parse();
        options.localStackDir = dir.resolve("absent");

        UsageError error = assertThrows(UsageError.class, options::bootstrapServers);

        assertTrue(error.getMessage().contains("pass --bootstrap-servers and --s3-endpoint"), error.getMessage());
        assertTrue(error.getMessage().contains("./collapse up"), error.getMessage());
    }

    @Test
    void aDamagedLocalStackStateIsNamedWithWhatToDo() throws Exception {
        Path stack = localStack("none");
        ClusterOptions options = parse();
        options.localStackDir = stack;

        UsageError error = assertThrows(UsageError.class, options::bootstrapServers);

        assertTrue(error.getMessage().startsWith("cannot use the local stack in " + stack + ": "), error.getMessage());
        assertTrue(error.getMessage().contains("'kafka.port=none', which is not a port"), error.getMessage());
        assertTrue(error.getMessage().contains("restore it from a backup"), error.getMessage());
        assertFalse(error.getMessage().contains(SECRET), error.getMessage());
    }

    @Test
    void oneAddressWithoutTheOtherIsRefusedRatherThanMixedWithTheLocalStack() {
        ClusterOptions kafkaOnly = parse("--bootstrap-servers", "kafka:9092");
        UsageError noEndpoint = assertThrows(UsageError.class, kafkaOnly::s3Settings);
        assertTrue(noEndpoint.getMessage().startsWith("--bootstrap-servers is given but not --s3-endpoint"),
                noEndpoint.getMessage());

        environment.put("COLLAPSE_S3_ENDPOINT", "http://minio:9000");
        UsageError noKafka = assertThrows(UsageError.class, () -> parse().bootstrapServers());
        assertTrue(noKafka.getMessage().startsWith("--s3-endpoint is given but not --bootstrap-servers"),
                noKafka.getMessage());
    }

    @Test
    void missingCredentialsNameWhereToPutThem() throws Exception {
        ClusterOptions noKey = parse("--bootstrap-servers", "k:9092", "--s3-endpoint", "http://m:9000");
        assertEquals("no S3 access key for http://m:9000: pass --s3-access-key or set $COLLAPSE_S3_ACCESS_KEY",
                assertThrows(UsageError.class, noKey::s3Settings).getMessage());

        ClusterOptions noSecret = parse("--bootstrap-servers", "k:9092", "--s3-endpoint", "http://m:9000",
                "--s3-access-key", "key");
        assertEquals("no S3 secret key for http://m:9000: set $COLLAPSE_S3_SECRET_KEY or pass"
                + " --s3-secret-key-file FILE", assertThrows(UsageError.class, noSecret::s3Settings).getMessage());

        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        ClusterOptions emptySecret = parse("--bootstrap-servers", "k:9092", "--s3-endpoint", "http://m:9000",
                "--s3-access-key", "key", "--s3-secret-key-file", empty.toString());
        assertTrue(assertThrows(UsageError.class, emptySecret::s3Settings).getMessage().contains("is empty"));
    }

    @Test
    void theSecretIsNeitherAnOptionNorShown() throws Exception {
        Path secretFile = Files.writeString(dir.resolve("secret"), SECRET);
        ClusterOptions options = parse("--bootstrap-servers", "k:9092", "--s3-endpoint", "not a url",
                "--s3-access-key", "key", "--s3-secret-key-file", secretFile.toString());

        UsageError badEndpoint = assertThrows(UsageError.class, options::s3Settings);
        assertFalse(badEndpoint.getMessage().contains(SECRET), badEndpoint.getMessage());
        assertTrue(badEndpoint.getMessage().contains("S3 endpoint 'not a url'"), badEndpoint.getMessage());
        UsageError onCommandLine = assertThrows(UsageError.class, () -> parse("--s3-secret-key", SECRET)
                .s3Settings());
        assertFalse(onCommandLine.getMessage().contains(SECRET), onCommandLine.getMessage());
    }

    @Test
    void anAddressWithoutABrokerIsReportedInOneLine() {
        ClusterOptions options = parse("--bootstrap-servers", "127.0.0.1:1");

        Optional<String> problem = options.brokerProblem(Duration.ofSeconds(2));

        assertEquals(Optional.of("no Kafka broker answered at 127.0.0.1:1 within 2 s; check the address and that"
                + " the cluster is up"), problem);
    }

    /** A command that only mixes the options in, as the real commands do. */
    @Command(name = "host")
    static final class Host {
        @Mixin
        ClusterOptions cluster;
    }

    /** A local stack's directory with its state file in the local-stack module's keys; Kafka at {@code kafkaPort}. */
    private Path localStack(String kafkaPort) throws IOException {
        Path stack = Files.createDirectories(dir.resolve("stack"));
        Files.writeString(stack.resolve("local-stack.properties"), String.join("\n",
                "cluster.id=abc", "kafka.port=" + kafkaPort, "kafka.controller.port=19093", "s3.port=19000",
                "s3.access-key=LOCALKEY", "s3.secret-key=" + SECRET));
        Files.writeString(stack.resolve("kafka-credentials.properties"), String.join("\n",
                "admin.password=" + KAFKA_PASSWORD + "-admin", "auditor.password=" + KAFKA_PASSWORD));
        return stack;
    }

    private ClusterOptions parse(String... args) {
        Host host = new Host();
        new CommandLine(host).parseArgs(args);
        host.cluster.environment = environment::get;
        host.cluster.localStackDir = dir.resolve("no-stack-here");
        return host.cluster;
    }
}
