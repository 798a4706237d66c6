package io.collapselab.cli;

import io.collapselab.artifacts.S3Settings;
import io.collapselab.cli.local.LocalProcesses;
import io.collapselab.localstack.StackConnection;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which Kafka and S3 to talk to: a real cluster named by options or the usual environment variables, else the
 * embedded stack that {@code collapse up} runs under the state directory. The S3 secret is taken only from the
 * environment or a file, never from a command-line value that would land in shell history, and never printed.
 */
final class ClusterOptions {

    static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";
    static final String ENDPOINT_ENV = "COLLAPSE_S3_ENDPOINT";
    static final String ACCESS_KEY_ENV = "COLLAPSE_S3_ACCESS_KEY";
    static final String SECRET_KEY_ENV = "COLLAPSE_S3_SECRET_KEY";
    static final String BUCKET_ENV = "COLLAPSE_S3_BUCKET";
    static final String REGION_ENV = "COLLAPSE_S3_REGION";

    /** Where the events and objects are. */
    record Cluster(String bootstrapServers, S3Settings s3, boolean embedded) {

        static Cluster embedded(StackConnection stack) {
            return new Cluster(stack.bootstrapServers(), new S3Settings(stack.s3Endpoint(), stack.s3AccessKey(),
                    stack.s3SecretKey(), stack.bucket(), stack.s3Region()), true);
        }
    }

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: $" + BOOTSTRAP_ENV + ", else the embedded stack).")
    String bootstrapServers;

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "S3 endpoint, e.g. http://minio:9000 (default: $" + ENDPOINT_ENV + ", else the embedded "
                    + "stack).")
    String s3Endpoint;

    @Option(names = "--s3-bucket", paramLabel = "NAME", description = "Bucket (default: $" + BUCKET_ENV
            + ", else collapse).")
    String bucket;

    @Option(names = "--s3-region", paramLabel = "REGION", description = "Region (default: $" + REGION_ENV
            + ", else us-east-1).")
    String region;

    @Option(names = "--s3-access-key", paramLabel = "KEY", description = "Access key (default: $" + ACCESS_KEY_ENV
            + ").")
    String accessKey;

    @Option(names = "--s3-secret-key-file", paramLabel = "FILE",
            description = "File holding the secret key (default: $" + SECRET_KEY_ENV + ").")
    Path secretKeyFile;

    Cluster resolve(LocalProcesses local) {
        String bootstrap = firstOf(bootstrapServers, System.getenv(BOOTSTRAP_ENV));
        String endpoint = firstOf(s3Endpoint, System.getenv(ENDPOINT_ENV));
        if (bootstrap == null && endpoint == null) {
            StackConnection stack = local.connection().orElseThrow(() -> new UsageError("no cluster given and no "
                    + "embedded stack in " + local.stackDir() + "; pass --bootstrap-servers and --s3-endpoint (or "
                    + "set " + BOOTSTRAP_ENV + " and " + ENDPOINT_ENV + "), or run ./collapse up"));
            return Cluster.embedded(stack);
        }
        if (bootstrap == null || endpoint == null) {
            throw new UsageError("a cluster needs both Kafka and S3: pass --bootstrap-servers and --s3-endpoint (or "
                    + "set " + BOOTSTRAP_ENV + " and " + ENDPOINT_ENV + ")");
        }
        String key = firstOf(accessKey, System.getenv(ACCESS_KEY_ENV));
        String secret = secret().orElse(null);
        if (key == null || secret == null) {
            throw new UsageError("S3 credentials missing: set " + ACCESS_KEY_ENV + " and " + SECRET_KEY_ENV
                    + " (or pass --s3-access-key and --s3-secret-key-file)");
        }
        return new Cluster(bootstrap, new S3Settings(endpoint, key, secret,
                firstOf(bucket, System.getenv(BUCKET_ENV), "collapse"),
                firstOf(region, System.getenv(REGION_ENV), "us-east-1")), false);
    }

    private Optional<String> secret() {
        if (secretKeyFile != null) {
            try {
                return Optional.of(Files.readString(secretKeyFile).strip());
            } catch (IOException e) {
                throw new UsageError("cannot read the S3 secret key file " + secretKeyFile + ": " + e.getMessage());
            }
        }
        return Optional.ofNullable(System.getenv(SECRET_KEY_ENV)).filter(s -> !s.isBlank());
    }

    private static String firstOf(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        return null;
    }
}
