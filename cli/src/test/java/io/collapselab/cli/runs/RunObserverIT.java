package io.collapselab.cli.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.cli.RunJson;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.ProducerInfo;
import io.collapselab.events.kafka.EventRecords;
import io.collapselab.events.kafka.KafkaRole;
import io.collapselab.events.kafka.Topics;
import io.collapselab.lm.loop.GenerationReport;
import io.collapselab.localstack.LocalStack;
import io.collapselab.localstack.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RunObserver} on events published by hand, the way the services publish them, to the local stack's real
 * broker; no services are involved. Each test uses its own run ids.
 */
class RunObserverIT {

    @RegisterExtension
    static LocalStackExtension extension = StackFixtures.stackWithTopics();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final LocalStack stack;
    private final KafkaProducer<String, byte[]> producer;
    private final RunObserver observer;

    RunObserverIT(LocalStack stack) {
        this.stack = stack;
        this.producer = new KafkaProducer<>(KafkaClientConfig.with(StackFixtures.admin(stack), Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all")),
                new StringSerializer(), new ByteArraySerializer());
        this.observer = new RunObserver(StackFixtures.kafka(stack, KafkaRole.AUDITOR));
    }

    @AfterEach
    void close() {
        observer.close();
        producer.close();
    }

    @Test
    void readsOneRunAmongOthersIntoTheSummaryOfCollapseLoop() throws Exception {
        Lineage a = new Lineage("observe-a");
        Lineage b = new Lineage("observe-b");
        List<CollapseEvent> interleaved = new ArrayList<>();
        for (int i = 0; i < a.all().size(); i++) {
            interleaved.add(a.all().get(i));
            interleaved.add(b.all().get(i));
        }
        CheckpointPublished original = a.checkpoint(1);
        interleaved.add(new CheckpointPublished(original.eventId(), original.schemaVersion(), original.runId(), 1,
                original.occurredAt().plusSeconds(30), new ProducerInfo("trainer-service", "trainer-2", "0.1.0"),
                original.checkpoint(), original.trainingState(), original.parentCheckpointSha256(),
                original.trainedOnSha256(), original.steps(), original.tokensSeen(), original.trainLoss(),
                original.wallMs()));
        publish(interleaved);

        RunLog log = observer.read("observe-a", TIMEOUT);

        RunJson summary = log.summary();
        assertEquals("observe-a", summary.runId());
        assertEquals("max-generations", summary.status());
        assertEquals(Lineage.CONFIG, summary.config());
        assertEquals(List.of(0, 1, 2), summary.generations().stream().map(GenerationReport::generation).toList());
        assertEquals(new GenerationReport(1, 2.25, 2.5, Math.exp(2.5), "whole", Lineage.HELDOUT_TOKENS,
                Lineage.BITS_PER_BYTE, Lineage.WORD_PERPLEXITY, 2.5, Math.exp(2.5), Lineage.BITS_PER_BYTE,
                Lineage.WORD_PERPLEXITY, Lineage.HELDOUT_TOKENS, 0.4, 0.7, 0.8, 0.1, 6.0, 0.05,
                Lineage.UNSEEN_WORD_SHARE, 1, a.checkpointSha(1), a.corpusSha(1), "excerpt of generation 1", 10_000,
                false),
                summary.generations().get(1));
        assertEquals(a.all().size() + 1, log.entries().size(), "every record, the re-emitted copy included");
        assertTrue(log.entries().stream().allMatch(entry -> entry.event().runId().equals("observe-a")));
        assertEquals(List.of(), log.problems());
        assertEquals(List.of(), groups(), "the observer must never join a consumer group");
    }

    @Test
    void awaitingCompletionReportsGenerationsInOrderAndWaitsForRunCompleted() throws Exception {
        Lineage run = new Lineage("observe-c");
        publish(run.withoutCompletion());

        RunTimeoutException timeout = assertThrows(RunTimeoutException.class,
                () -> observer.awaitCompletion("observe-c", Duration.ofSeconds(3), RunListener.NONE));
        assertTrue(timeout.getMessage().startsWith("completion of run observe-c did not happen within 3 s; run"
                + " observe-c: requested at"), timeout.getMessage());
        assertTrue(timeout.getMessage().endsWith("no RunCompleted read"), timeout.getMessage());
        assertEquals(3, timeout.log().reports().size());

        List<Integer> generations = Collections.synchronizedList(new ArrayList<>());
        List<CollapseEvent> events = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> completion = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(1_000);
                publish(List.of(run.completed()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        RunLog log = observer.awaitCompletion("observe-c", TIMEOUT, new RunListener() {
            @Override
            public void onEvent(CollapseEvent event) {
                events.add(event);
            }

            @Override
            public void onGeneration(GenerationReport report) {
                generations.add(report.generation());
            }
        });
        completion.get(10, TimeUnit.SECONDS);

        assertTrue(log.isComplete());
        assertEquals(List.of(0, 1, 2), generations);
        assertEquals(run.all().size(), events.size());
        assertEquals(run.completed(), log.completion().orElseThrow());
    }

    @Test
    void awaitingAConditionReturnsEverythingPublishedBeforeItHeld() throws Exception {
        Lineage run = new Lineage("observe-d");
        publish(run.all());

        RunLog log = observer.await("observe-d", "the request", l -> l.request().isPresent(), TIMEOUT,
                RunListener.NONE);

        assertEquals(run.all().size(), log.entries().size());
        assertTrue(log.isComplete());
    }

    @Test
    void recordsOfTheRunThatAreNotEventsAreProblems() throws Exception {
        Lineage run = new Lineage("observe-e");
        publish(List.of(run.request()));
        producer.send(new ProducerRecord<>(Topics.CHECKPOINTS, "observe-e",
                "{not json".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);

        RunLog log = observer.read("observe-e", TIMEOUT);

        assertEquals(1, log.problems().size(), log.problems().toString());
        assertTrue(log.problems().get(0).matches("collapse\\.checkpoints-\\d@\\d+: not valid JSON.*"),
                log.problems().get(0));
    }

    @Test
    void readingEveryRunGroupsRecordsByRunAndSkipsRecordsOfNoRun() throws Exception {
        Lineage f = new Lineage("observe-f");
        Lineage g = new Lineage("observe-g");
        publish(f.all());
        producer.send(new ProducerRecord<>(Topics.RUNS, "Not a run id", "{}".getBytes(StandardCharsets.UTF_8)))
                .get(30, TimeUnit.SECONDS);
        producer.send(new ProducerRecord<>(Topics.RUNS, null, "{}".getBytes(StandardCharsets.UTF_8)))
                .get(30, TimeUnit.SECONDS);
        publish(g.withoutCompletion());

        Map<String, RunLog> runs = observer.readAll(TIMEOUT);

        assertTrue(runs.keySet().containsAll(List.of("observe-f", "observe-g")), runs.keySet().toString());
        assertTrue(runs.keySet().stream().allMatch(RunIds::isValid), runs.keySet().toString());
        assertEquals("max-generations", runs.get("observe-f").status());
        assertEquals(RunLog.RUNNING, runs.get("observe-g").status());
        assertEquals(g.withoutCompletion().size(), runs.get("observe-g").entries().size());
    }

    @Test
    void awaitingSeveralRunsReturnsWhenEveryOneIsComplete() throws Exception {
        Lineage h = new Lineage("observe-h");
        Lineage i = new Lineage("observe-i");
        publish(h.all());
        publish(i.withoutCompletion());
        CompletableFuture<Void> completion = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(1_000);
                publish(List.of(i.completed()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        Map<String, RunLog> logs = observer.awaitCompletion(List.of("observe-h", "observe-i"), TIMEOUT,
                id -> RunListener.NONE);
        completion.get(10, TimeUnit.SECONDS);

        assertEquals(List.of("observe-h", "observe-i"), List.copyOf(logs.keySet()));
        assertTrue(logs.values().stream().allMatch(RunLog::isComplete));
    }

    @Test
    void anUnknownRunReadsAsEmpty() {
        RunLog log = observer.read("observe-nothing", TIMEOUT);

        assertEquals(List.of(), log.entries());
        assertTrue(log.request().isEmpty());
        assertThrows(IllegalStateException.class, log::summary);
    }

    private void publish(List<CollapseEvent> events) throws Exception {
        for (CollapseEvent event : events) {
            producer.send(EventRecords.toRecord(event)).get(30, TimeUnit.SECONDS);
        }
    }

    private List<String> groups() throws Exception {
        try (Admin admin = Admin.create(StackFixtures.admin(stack))) {
            return admin.listGroups().all().get(30, TimeUnit.SECONDS).stream()
                    .map(group -> group.groupId())
                    .toList();
        }
    }
}
