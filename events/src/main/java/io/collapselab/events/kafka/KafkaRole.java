package io.collapselab.events.kafka;

import java.util.Set;

/**
 * Who may do what on the broker: one Kafka principal per role, with the topics it may write, those it may read and
 * the consumer groups it may join (by id prefix). Everything else is denied. The local stack and the Kubernetes
 * manifests both grant exactly this table.
 *
 * <p>Every service writes {@link Topics#DEAD_LETTER}, the records it refused, and {@link Topics#RUNS}: the evaluator
 * ends a run with {@code RunCompleted}, and any service ends one it cannot go on with {@code RunCompleted(failed)}.
 * The submitter writes {@link Topics#RUNS} too, for {@code RunRequested}. The broker cannot tell event types apart,
 * so who may send which event on that topic is the lineage check's to enforce: a {@code RunCompleted} counts only
 * when it equals the one its sender recorded in the object store, where the submitter cannot write events.
 */
public enum KafkaRole {

    /**
     * trainer-service: consumes runs and corpora, publishes checkpoints; reads evaluations for the retention policy,
     * which removes a checkpoint only once it is evaluated.
     */
    TRAINER("trainer", Set.of(Topics.CHECKPOINTS, Topics.RUNS, Topics.DEAD_LETTER),
            Set.of(Topics.RUNS, Topics.CORPORA, Topics.EVALUATIONS),
            Set.of("collapse-trainer", "trainer-service-registry-")),
    /** generator-service: consumes checkpoints, publishes corpora. */
    GENERATOR("generator", Set.of(Topics.CORPORA, Topics.RUNS, Topics.DEAD_LETTER),
            Set.of(Topics.RUNS, Topics.CHECKPOINTS),
            Set.of("collapse-generator", "generator-service-registry-")),
    /** evaluator-service: consumes checkpoints and corpora, publishes evaluations and {@code RunCompleted}. */
    EVALUATOR("evaluator", Set.of(Topics.EVALUATIONS, Topics.RUNS, Topics.DEAD_LETTER),
            Set.of(Topics.RUNS, Topics.CHECKPOINTS, Topics.CORPORA),
            Set.of("collapse-evaluator", "evaluator-service-registry-")),
    /**
     * The CLI's {@code submit} and {@code demo}: publishes {@code RunRequested}, and follows the run as
     * {@code watch} does (with assigned partitions, no consumer group).
     */
    SUBMITTER("submitter", Set.of(Topics.RUNS),
            Set.of(Topics.RUNS, Topics.CHECKPOINTS, Topics.CORPORA, Topics.EVALUATIONS), Set.of()),
    /** The CLI's {@code audit}, {@code watch}, {@code runs} and {@code report}: reads every topic, writes none. */
    AUDITOR("auditor", Set.of(), Set.of(Topics.RUNS, Topics.CHECKPOINTS, Topics.CORPORA, Topics.EVALUATIONS,
            Topics.DEAD_LETTER), Set.of());

    private final String user;
    private final Set<String> writes;
    private final Set<String> reads;
    private final Set<String> groupPrefixes;

    KafkaRole(String user, Set<String> writes, Set<String> reads, Set<String> groupPrefixes) {
        this.user = user;
        this.writes = writes;
        this.reads = reads;
        this.groupPrefixes = groupPrefixes;
    }

    /** The principal's name, {@code User:<user>} to the broker. */
    public String user() {
        return user;
    }

    /** Topics it may produce to. */
    public Set<String> writes() {
        return writes;
    }

    /** Topics it may consume from. */
    public Set<String> reads() {
        return reads;
    }

    /** Consumer group ids it may use start with one of these. */
    public Set<String> groupPrefixes() {
        return groupPrefixes;
    }
}
