package io.collapselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.artifacts.S3Settings;
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
