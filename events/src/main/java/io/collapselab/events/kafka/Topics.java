package io.collapselab.events.kafka;

import io.collapselab.events.CollapseEvent;
import io.collapselab.events.EventType;
import java.util.List;
import java.util.Map;

/** The Kafka topics of collapse-lab and which event goes where. */
public final class Topics {

    /** {@code RunRequested} and {@code RunCompleted}. */
    public static final String RUNS = "collapse.runs";
    /** {@code CheckpointPublished}. */
    public static final String CHECKPOINTS = "collapse.checkpoints";
    /** {@code CorpusGenerated}. */
    public static final String CORPORA = "collapse.corpora";
    /** {@code EvaluationCompleted}. */
    public static final String EVALUATIONS = "collapse.evaluations";
    /** Records a service refused, as {@code DeadLetter}s. */
    public static final String DEAD_LETTER = "collapse.dead-letter";

    /**
     * Partitions per topic. Events are keyed by run id and a partition is worked by one consumer of a group at a
     * time, so this bounds how many runs a service's replicas can work on at once; six is cheap on a single broker
     * and leaves room to scale workers out.
     */
    public static final int DEFAULT_PARTITIONS = 6;

    /**
     * The event log is the record of every run, so nothing is ever deleted. The cleanup policy is spelled out
     * because compaction, if a cluster defaulted to it, would keep only the newest event per key, i.e. per run.
     */
    private static final Map<String, String> KEEP_FOREVER = Map.of(
            "cleanup.policy", "delete",
            "retention.ms", "-1",
            "retention.bytes", "-1");

    /** Every topic the system needs, for the local stack, the CLI and the Kubernetes manifests to create. */
    public static final List<TopicDefinition> ALL = List.of(
            new TopicDefinition(RUNS, DEFAULT_PARTITIONS, KEEP_FOREVER),
            new TopicDefinition(CHECKPOINTS, DEFAULT_PARTITIONS, KEEP_FOREVER),
            new TopicDefinition(CORPORA, DEFAULT_PARTITIONS, KEEP_FOREVER),
            new TopicDefinition(EVALUATIONS, DEFAULT_PARTITIONS, KEEP_FOREVER),
            new TopicDefinition(DEAD_LETTER, DEFAULT_PARTITIONS, KEEP_FOREVER));

    private Topics() {
    }

    /** The topic {@code event} is published on. */
    public static String topicFor(CollapseEvent event) {
        return topicFor(event.type());
    }

    /** The topic events of {@code type} are published on. */
    public static String topicFor(EventType type) {
        return switch (type) {
            case RUN_REQUESTED, RUN_COMPLETED -> RUNS;
            case CHECKPOINT_PUBLISHED -> CHECKPOINTS;
            case CORPUS_GENERATED -> CORPORA;
            case EVALUATION_COMPLETED -> EVALUATIONS;
        };
    }
}
