package io.collapselab.cli.local;

import io.collapselab.events.kafka.Topics;
import io.collapselab.localstack.LocalStack;
import io.collapselab.localstack.TopicSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The local stack as a background process for {@code collapse up}: a KRaft broker with every collapse-lab topic
 * (partitions and configs as in {@link Topics}) and an S3 server, on a data directory. Prints {@code ready=true}
 * once both accept connections and runs until SIGTERM.
 */
public final class StackMain {

    private StackMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: StackMain <dataDir>");
            System.exit(2);
        }
        List<TopicSpec> topics = Topics.ALL.stream()
                .map(t -> new TopicSpec(t.name(), t.partitions(), t.configs()))
                .toList();
        LocalStack stack;
        try {
            stack = LocalStack.builder().dataDir(Path.of(args[0])).topics(topics).start();
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
        System.out.println("ready=true");
        System.out.flush();
        stopped.await();
    }
}
