package io.collapselab.localstack;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How clients reach a local stack started on a data directory, read from the state it keeps there: what a separate
 * process (the CLI, a service) needs to connect to a stack that another process runs.
 */
public record StackConnection(String bootstrapServers, String s3Endpoint, String s3AccessKey, String s3SecretKey,
                              String bucket, String s3Region) {

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
        return Optional.of(new StackConnection("127.0.0.1:" + state.kafkaPort(),
                "http://127.0.0.1:" + state.s3Port(), state.s3AccessKey(), state.s3SecretKey(), bucket,
                LocalStack.REGION));
    }

    /** Never shows the secret key. */
    @Override
    public String toString() {
        return "StackConnection[kafka=" + bootstrapServers + ", s3=" + s3Endpoint + ", bucket=" + bucket + "]";
    }
}
