package io.collapselab.cli.local;

import io.collapselab.events.kafka.KafkaRole;
import io.collapselab.events.kafka.Topics;
import io.collapselab.localstack.KafkaUserSpec;
import io.collapselab.localstack.LocalStackMain;
import io.collapselab.localstack.TopicSpec;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The local stack as a background process for {@code collapse up}: a KRaft broker with every collapse-lab topic
 * (partitions and configs as in {@link Topics}), a Kafka user per {@link KafkaRole} and an S3 server, on a data
 * directory; otherwise the same process
 * as {@link LocalStackMain}, whose topics are given on the command line without configs.
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
        LocalStackMain.serve(Path.of(args[0]), topics, kafkaUsers());
    }

    /** A Kafka user per {@link KafkaRole}, with the role's ACLs. */
    public static List<KafkaUserSpec> kafkaUsers() {
        return Arrays.stream(KafkaRole.values())
                .map(role -> new KafkaUserSpec(role.user(), role.writes(), role.reads(), role.groupPrefixes()))
                .toList();
    }
}
