package io.collapselab.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.cli.RunJson;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.EventType;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunRequested;
import io.collapselab.events.json.EventJson;
import io.collapselab.events.kafka.Topics;
import io.collapselab.lm.loop.GenerationReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What every finished run of the pipeline must satisfy, checked on its event log and its objects. */
final class RunChecks {

    private static final List<EventType> GENERATION_EVENTS = List.of(EventType.CHECKPOINT_PUBLISHED,
            EventType.CORPUS_GENERATED, EventType.EVALUATION_COMPLETED);

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private RunChecks() {
    }

    /**
     * The run ended with {@code max-generations} after generation {@code lastGeneration}, and its log holds
     * exactly one record of each event: one request, one checkpoint, corpus and evaluation per generation 0..last,
     * one completion, nothing else.
     */
    static void assertExactlyOnce(RunLog log, int lastGeneration) {
        assertFinished(log, lastGeneration);
        Map<String, Long> records = recordCounts(log);
        Map<String, Long> expected = new TreeMap<>();
        expected.put(label(EventType.RUN_REQUESTED, 0), 1L);
        expected.put(label(EventType.RUN_COMPLETED, lastGeneration), 1L);
        for (int g = 0; g <= lastGeneration; g++) {
            for (EventType type : GENERATION_EVENTS) {
                expected.put(label(type, g), 1L);
            }
        }
        assertEquals(expected, records, "records per event of " + log.runId());
    }

    /**
     * Like {@link #assertExactlyOnce} but for a run whose services were killed and restarted: a restarted service
     * may re-emit what it had done but not yet acknowledged, so an event may have several records; every copy must
     * then be the same event ({@link RunLog#problems} reports copies that differ), and there is still exactly one
     * event, hence one checkpoint and one corpus, per generation.
     */
    static void assertExactlyOneEventEach(RunLog log, int lastGeneration) {
        assertFinished(log, lastGeneration);
        Map<String, Long> records = recordCounts(log);
        List<String> expected = new ArrayList<>(List.of(label(EventType.RUN_REQUESTED, 0)));
        for (int g = 0; g <= lastGeneration; g++) {
            for (EventType type : GENERATION_EVENTS) {
                expected.add(label(type, g));
            }
        }
        expected.add(label(EventType.RUN_COMPLETED, lastGeneration));
        assertEquals(new TreeSet<>(expected), records.keySet(),
                "events of " + log.runId() + " (records per event: " + records + ")");
    }

    private static void assertFinished(RunLog log, int lastGeneration) {
        RunCompleted completed = log.completion().orElseThrow(() -> new AssertionError("no RunCompleted: "
                + log.describe()));
        assertEquals(RunCompleted.Reason.MAX_GENERATIONS, completed.reason(), log.describe());
        assertEquals(lastGeneration, completed.generation());
        assertEquals(Integer.valueOf(lastGeneration), completed.lastGeneration());
        assertEquals(List.of(), log.problems(), "problems of " + log.runId());
    }

    /**
     * Each checkpoint names its parent's digest (none for generation 0) and was trained on the previous
     * generation's corpus (the real training text for generation 0); each corpus was sampled from its generation's
     * checkpoint; each evaluation measured exactly that checkpoint and corpus.
     */
    static void assertLineage(RunLog log) {
        RunRequested request = log.request().orElseThrow();
        List<RunLog.Generation> generations = log.generations();
        for (RunLog.Generation g : generations) {
            int n = g.generation();
            CheckpointPublished checkpoint = g.checkpoint();
            if (n == 0) {
                assertNull(checkpoint.parentCheckpointSha256(), "generation 0 has no parent");
                assertEquals(request.inputs().train().sha256(), checkpoint.trainedOnSha256(),
                        "generation 0 trains on the real text");
            } else {
                RunLog.Generation previous = generations.get(n - 1);
                assertEquals(previous.checkpoint().checkpoint().sha256(), checkpoint.parentCheckpointSha256(),
                        "parent of generation " + n);
                assertEquals(previous.corpus().corpus().sha256(), checkpoint.trainedOnSha256(),
                        "generation " + n + " trains on corpus " + (n - 1) + " (replace policy)");
            }
            assertEquals(checkpoint.checkpoint().sha256(), g.corpus().checkpointSha256(),
                    "corpus " + n + " is sampled from checkpoint " + n);
            assertEquals(checkpoint.checkpoint().sha256(), g.evaluation().checkpointSha256(), "evaluation " + n);
            assertEquals(g.corpus().corpus().sha256(), g.evaluation().corpusSha256(), "evaluation " + n);
        }
    }

    /** Every object an event of the run names exists, has the size the event says, and matches its digest. */
    static void assertObjectsVerify(RunLog log, ArtifactStore store) {
        RunRequested request = log.request().orElseThrow();
        List<ObjectRef> refs = new ArrayList<>(List.of(request.inputs().train(), request.inputs().heldout()));
        for (RunLog.Generation g : log.generations()) {
            refs.add(g.checkpoint().checkpoint());
            refs.add(g.corpus().corpus());
            refs.add(g.corpus().tokens());
        }
        for (ObjectRef ref : refs) {
            ObjectKey key = ObjectKey.parseUri(ref.uri(), store.settings().bucket());
            byte[] content = store.get(key, ref.sha256());
            assertEquals(ref.size(), content.length, "size of " + ref.uri());
        }
    }

    /**
     * The pipeline computed what {@code collapse loop} computes in one process for the same config: the same status,
     * and in every generation the same digests and metrics (all but the wall time).
     */
    static void assertSameAsReference(RunLog log, RunJson reference) {
        assertEquals(reference.status(), log.status(), "status");
        assertEquals(withoutWallTime(reference.generations()), withoutWallTime(log.reports()),
                "generations of " + log.runId() + " against collapse loop");
    }

    /**
     * Events are keyed, and therefore ordered, per run: on each topic all of a run's records sit on one partition,
     * in generation order.
     */
    static void assertOrderedPerRun(RunLog log) {
        Map<String, List<RunLog.Entry>> byTopic = log.entries().stream()
                .collect(Collectors.groupingBy(entry -> entry.location().topic(), TreeMap::new,
                        Collectors.toList()));
        for (Map.Entry<String, List<RunLog.Entry>> topic : byTopic.entrySet()) {
            List<RunLog.Entry> entries = topic.getValue();
            assertEquals(1, entries.stream().map(entry -> entry.location().partition()).distinct().count(),
                    log.runId() + " on " + topic.getKey() + " uses one partition");
            List<Integer> inOffsetOrder = entries.stream()
                    .sorted((a, b) -> Long.compare(a.location().offset(), b.location().offset()))
                    .map(entry -> entry.event().generation())
                    .toList();
            assertEquals(inOffsetOrder.stream().sorted().toList(), inOffsetOrder,
                    log.runId() + " on " + topic.getKey() + " in generation order");
        }
    }

    /** Every dead letter on {@code collapse.dead-letter}, read from its beginning to its end as it is now. */
    static List<DeadLetter> deadLetters(String bootstrapServers) {
        List<DeadLetter> deadLetters = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEAD_LETTER, READ_TIMEOUT).stream()
                    .map(info -> new TopicPartition(Topics.DEAD_LETTER, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, READ_TIMEOUT) < end.get(p))) {
                assertTrue(System.nanoTime() < deadline, "could not read " + Topics.DEAD_LETTER + " to its end"
                        + " within " + READ_TIMEOUT.toSeconds() + " s");
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    deadLetters.add(EventJson.readDeadLetter(record.value()));
                }
            }
        }
        return deadLetters;
    }

    private static List<GenerationReport> withoutWallTime(List<GenerationReport> reports) {
        return reports.stream()
                .map(r -> new GenerationReport(r.generation(), r.trainLoss(), r.heldoutLoss(),
                        r.heldoutPerplexity(), r.heldoutMethod(), r.heldoutTokens(), r.heldoutBitsPerByte(),
                        r.heldoutWordPerplexity(), r.wholeTextLoss(), r.wholeTextPerplexity(),
                        r.wholeTextBitsPerByte(), r.wholeTextWordPerplexity(), r.wholeTextTokens(), r.distinct1(),
                        r.distinct2(), r.distinct3(), r.repetition(), r.entropy(), r.tailMass(), r.unseenWordShare(),
                        r.cycleLength(), r.checkpointSha256(), r.corpusSha256(), r.sampleExcerpt(), 0,
                        r.collapsed()))
                .toList();
    }

    private static Map<String, Long> recordCounts(RunLog log) {
        return log.entries().stream()
                .map(RunLog.Entry::event)
                .collect(Collectors.groupingBy(RunChecks::label, TreeMap::new, Collectors.counting()));
    }

    private static String label(CollapseEvent event) {
        return label(event.type(), event.generation());
    }

    private static String label(EventType type, int generation) {
        return type.typeName() + "(" + generation + ")";
    }
}
