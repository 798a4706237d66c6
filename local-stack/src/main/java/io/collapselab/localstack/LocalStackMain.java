package io.collapselab.localstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link LocalStack} as a process: {@code LocalStackMain <dataDir> [topic:partitions ...]}.
 *
 * <p>Once both servers accept connections it prints {@code key=value} lines to standard output
 * ({@code bootstrap.servers}, {@code s3.endpoint}, {@code s3.bucket}, {@code s3.region}, {@code s3.access-key},
 * {@code s3.credentials-file}, {@code kafka.credentials-file}, then {@code ready=true} last) and runs until it
 * receives SIGTERM or SIGINT, which shut both servers down cleanly. No secret is printed: read {@code s3.secret-key}
 * from the S3 credentials file, and the Kafka admin's password ({@code admin.password}) from the Kafka one. Logs go
 * to standard error. Exit status 2 means bad arguments, 1 a failed start.
 */
public final class LocalStackMain {

    private static final String USAGE = "usage: LocalStackMain <dataDir> [topic:partitions ...]";

    private LocalStackMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 0 || args[0].startsWith("-")) {
            System.err.println(USAGE);
            System.exit(2);
        }
        List<TopicSpec> topics;
        try {
            topics = parseTopics(Arrays.asList(args).subList(1, args.length));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        serve(Path.of(args[0]), topics, List.of());
    }

    /**
     * Starts a stack with {@code topics} and {@code kafkaUsers} on {@code dataDir}, prints its {@code key=value} lines
     * and {@code ready=true} as the class comment describes, and returns only once SIGTERM or SIGINT has shut it down.
     * Exits with status 1 when it cannot start. For other mains that run a stack as a process.
     */
    public static void serve(Path dataDir, List<TopicSpec> topics, List<KafkaUserSpec> kafkaUsers)
            throws InterruptedException {
        LocalStack stack;
        try {
            stack = LocalStack.builder().dataDir(dataDir).topics(topics).kafkaUsers(kafkaUsers).start();
        } catch (RuntimeException e) {
            System.err.println("local stack failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stack.close();
            } finally {
                stopped.countDown();
            }
        }, "local-stack-shutdown"));
        System.out.println("bootstrap.servers=" + stack.bootstrapServers());
        System.out.println("s3.endpoint=" + stack.s3Endpoint());
        System.out.println("s3.bucket=" + stack.bucket());
        System.out.println("s3.region=" + stack.s3Region());
        System.out.println("s3.access-key=" + stack.s3AccessKey());
        System.out.println("s3.credentials-file=" + stack.stateFile());
        System.out.println("kafka.credentials-file=" + stack.kafkaCredentialsFile());
        System.out.println("ready=true");
        System.out.flush();
        stopped.await();
    }

    /** Parses {@code name:partitions} arguments, e.g. {@code collapse.runs:3}. */
    static List<TopicSpec> parseTopics(List<String> args) {
        List<TopicSpec> topics = new ArrayList<>();
        for (String arg : args) {
            int colon = arg.lastIndexOf(':');
            if (colon <= 0 || colon == arg.length() - 1) {
                throw new IllegalArgumentException("topic argument '" + arg
                        + "' must be name:partitions, e.g. collapse.runs:3");
            }
            String partitions = arg.substring(colon + 1);
            try {
                topics.add(TopicSpec.of(arg.substring(0, colon), Integer.parseInt(partitions)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("topic argument '" + arg + "': '" + partitions
                        + "' is not a partition count");
            }
        }
        return topics;
    }
}
