package io.collapselab.localstack;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * How clients reach a local stack started on a data directory, read from the state it keeps there: what a separate
 * process (the CLI, a service) needs to connect to a stack that another process runs.
 */
public final class StackConnection {

    private final String bootstrapServers;
    private final String s3Endpoint;
    private final String s3AccessKey;
    private final String s3SecretKey;
    private final String bucket;
    private final String s3Region;
    private final KafkaCredentials kafkaCredentials;

    private StackConnection(String bootstrapServers, String s3Endpoint, String s3AccessKey, String s3SecretKey,
                            String bucket, String s3Region, KafkaCredentials kafkaCredentials) {
        this.bootstrapServers = bootstrapServers;
        this.s3Endpoint = s3Endpoint;
        this.s3AccessKey = s3AccessKey;
        this.s3SecretKey = s3SecretKey;
        this.bucket = bucket;
        this.s3Region = s3Region;
        this.kafkaCredentials = kafkaCredentials;
    }

    /**
     * The connection of the stack that uses (or used) {@code dataDir}; empty when no stack was ever started there.
     * Whether it is running now is for the caller to find out.
     *
     * @throws IOException when the state file exists but cannot be read or is incomplete, with a message that names
     *                     the file and says what to do
     */
    public static Optional<StackConnection> of(Path dataDir, String bucket) throws IOException {
        StackState state = StackState.load(dataDir);
        if (state == null) {
            return Optional.empty();
        }
        KafkaCredentials credentials = KafkaCredentials.load(dataDir).orElseThrow(() -> new IOException(
                KafkaCredentials.file(dataDir) + " is missing, so no client can sign in to the stack's broker;"
                        + " restore it from a backup, or delete the whole data directory to start over"));
        return Optional.of(new StackConnection("127.0.0.1:" + state.kafkaPort(),
                "http://127.0.0.1:" + state.s3Port(), state.s3AccessKey(), state.s3SecretKey(), bucket,
                LocalStack.REGION, credentials));
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Kafka client settings that sign in as {@code user}, as {@link LocalStack#kafkaClientConfig(String)} gives them.
     *
     * @throws IllegalArgumentException when the stack has no such user
     */
    public Map<String, Object> kafkaClientConfig(String user) {
        return kafkaCredentials.clientConfig(bootstrapServers, user);
    }

    public String s3Endpoint() {
        return s3Endpoint;
    }

    public String s3AccessKey() {
        return s3AccessKey;
    }

    public String s3SecretKey() {
        return s3SecretKey;
    }

    public String bucket() {
        return bucket;
    }

    public String s3Region() {
        return s3Region;
    }

    /** Never shows a secret. */
    @Override
    public String toString() {
        return "StackConnection[kafka=" + bootstrapServers + ", s3=" + s3Endpoint + ", bucket=" + bucket + "]";
    }
}
