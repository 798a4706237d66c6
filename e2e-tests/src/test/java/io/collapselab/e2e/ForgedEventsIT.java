package io.collapselab.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.artifacts.ObjectKey;
import io.collapselab.cli.RunJson;
import io.collapselab.cli.runs.KafkaClientConfig;
import io.collapselab.cli.runs.RunIds;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.EvaluationCompleted;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.ProducerInfo;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunRequested;
import io.collapselab.events.json.EventJson;
import io.collapselab.events.kafka.EventRecords;
import io.collapselab.events.kafka.KafkaRole;
import io.collapselab.events.kafka.Topics;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.lm.loop.GenerationReport;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records a client sends while a run is in flight, as an attacker or a buggy client would: a RunCompleted for the
 * live run and one for a run id nobody used yet, a CheckpointPublished for a future generation and one naming
 * another generation's object, an EvaluationCompleted claiming a perplexity of 1.5, a second RunRequested with another
 * seed, a record of 900 KB that is no event, and a CheckpointPublished of a run nobody requested, which the services
 * defer (without holding their channels) until {@code collapse.run-wait-timeout}, shortened here, has passed.
 * Sent without credentials, or with those of a role that may not write the topic, the broker refuses them. Sent with
 * the credentials of a role that may write the topic (but not to the object store), each is dead-lettered with a
 * reason naming what it conflicts with. Either way the victim run completes with exactly the digests and
 * measurements of {@code collapse loop}.
 */
class ForgedEventsIT {

    private static final ProducerInfo INTRUDER = new ProducerInfo("trainer-service", "intruder", "0.1.0");
    private static final Duration DEAD_LETTER_TIMEOUT = Duration.ofMinutes(2);
    private static final int REFUSAL_TIMEOUT_MS = 10_000;
    private static final Duration RUN_WAIT_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static PipelineExtension extension = new PipelineExtension(new Pipeline.Setup(false,
            Map.of("collapse.run-wait-timeout", RUN_WAIT_TIMEOUT.toSeconds() + "s")));

    @Test
    void forgedEventsAreDeadLetteredAndTheVictimRunCompletesUnchanged(Pipeline pipeline) throws Exception {
        ExperimentConfig config = Experiments.SMOKE;
        Experiments.Texts texts = Experiments.texts();
        CompletableFuture<RunJson> reference = Experiments.startReference(config);
        String victim = RunIds.fresh("e2e-victim");
        String unused = RunIds.fresh("e2e-unused");
        String nobodys = RunIds.fresh("e2e-nobodys");
        List<Forgery> forgeries = new ArrayList<>();
        try (KafkaProducer<String, byte[]> trainer = producer(pipeline, KafkaRole.TRAINER)) {
            forgeries.add(send(trainer, checkpoint(pipeline, nobodys, 0, 0), "run " + nobodys + " is unknown: no"
                    + " RunRequested for it on collapse.runs within " + RUN_WAIT_TIMEOUT.toSeconds() + " s"));
        }

        RunRequested request = pipeline.submitter().submit(victim, config, texts.train(), texts.heldout()).event();
        RunCompleted completedVictim = RunCompleted.of(victim, 0, Instant.now(), INTRUDER,
                RunCompleted.Reason.CANCELLED, "forged", null);
        CheckpointPublished futureCheckpoint = checkpoint(pipeline, victim, config.generations(),
                config.generations());
        EvaluationCompleted flattering = EvaluationCompleted.of(victim, 0, Instant.now(), INTRUDER,
                new EvaluationCompleted.Metrics(Math.log(1.5), 1.5, "whole", 1_000L, 0.1, 1.5, Math.log(1.5), 1.5, 0.1,
                        1.5, 1_000L, 0.9, 0.9, 0.9, 0.0, 9.0, 0.1, 0.0, 0), "forged", false, "a".repeat(64),
                "b".repeat(64));
        byte[] garbage = new byte[900 * 1024];
        new Random(11).nextBytes(garbage);

        // Refused by the broker: no credentials at all, or a role that may not write the topic.
        assertNotSignedIn(pipeline, EventRecords.toRecord(completedVictim));
        assertRefused(pipeline, KafkaRole.GENERATOR, EventRecords.toRecord(futureCheckpoint),
                TopicAuthorizationException.class);
        assertRefused(pipeline, KafkaRole.SUBMITTER, EventRecords.toRecord(futureCheckpoint),
                TopicAuthorizationException.class);
        assertRefused(pipeline, KafkaRole.AUDITOR, EventRecords.toRecord(completedVictim),
                ClusterAuthorizationException.class);
        assertRefused(pipeline, KafkaRole.TRAINER, EventRecords.toRecord(flattering),
                TopicAuthorizationException.class);

        // Let in by the broker, as the topic's writers: the lineage check dead-letters them.
        try (KafkaProducer<String, byte[]> submitter = producer(pipeline, KafkaRole.SUBMITTER);
             KafkaProducer<String, byte[]> trainer = producer(pipeline, KafkaRole.TRAINER);
             KafkaProducer<String, byte[]> generator = producer(pipeline, KafkaRole.GENERATOR);
             KafkaProducer<String, byte[]> evaluator = producer(pipeline, KafkaRole.EVALUATOR)) {
            forgeries.add(send(submitter, completedVictim, "RunCompleted(0) of run " + victim + " is not recorded"));
            forgeries.add(send(submitter, RunCompleted.of(unused, 0, Instant.now(), INTRUDER,
                    RunCompleted.Reason.FAILED, "forged", null), "RunCompleted(0) of run " + unused
                    + " is not recorded"));
            forgeries.add(send(trainer, futureCheckpoint,
                    "CheckpointPublished(" + config.generations() + ") of run " + victim));
            forgeries.add(send(trainer, checkpoint(pipeline, victim, 0, 1), "CheckpointPublished(0) of run "
                    + victim));
            forgeries.add(send(evaluator, flattering, "EvaluationCompleted(0) of run " + victim));
            forgeries.add(send(submitter, RunRequested.of(victim, Instant.now(), INTRUDER,
                    config.withSeed(config.seed() + 1), request.inputs()), victim));
            forgeries.add(new Forgery(generator.send(new ProducerRecord<>(Topics.CORPORA, victim, garbage))
                    .get(30, TimeUnit.SECONDS), ""));
        }

        awaitSaved(pipeline, victim, config.generations(), ObjectKey.RUN_COMPLETED_EVENT);
        RunCompleted completion = (RunCompleted) saved(pipeline, victim, config.generations(),
                ObjectKey.RUN_COMPLETED_EVENT).orElseThrow();
        RunJson expected = reference.join();
        assertEquals(expected.status(), completion.reason().wireName(), "how the victim run ended");
        for (GenerationReport generation : expected.generations()) {
            int g = generation.generation();
            CheckpointPublished checkpoint = (CheckpointPublished) saved(pipeline, victim, g,
                    ObjectKey.CHECKPOINT_EVENT).orElseThrow();
            CorpusGenerated corpus = (CorpusGenerated) saved(pipeline, victim, g, ObjectKey.CORPUS_EVENT)
                    .orElseThrow();
            EvaluationCompleted evaluation = (EvaluationCompleted) saved(pipeline, victim, g,
                    ObjectKey.EVALUATION_EVENT).orElseThrow();
            assertEquals(generation.checkpointSha256(), checkpoint.checkpoint().sha256(), "checkpoint " + g);
            assertEquals(generation.corpusSha256(), corpus.corpus().sha256(), "corpus " + g);
            assertEquals(generation.heldoutLoss(), evaluation.heldoutLoss(), "held-out loss " + g);
        }
        assertFalse(saved(pipeline, unused, 0, ObjectKey.RUN_COMPLETED_EVENT).isPresent());

        List<DeadLetter> deadLetters = awaitDeadLetters(pipeline, forgeries);
        for (Forgery forgery : forgeries) {
            List<DeadLetter> refusals = refusalsOf(deadLetters, forgery);
            assertFalse(refusals.isEmpty(), "no dead letter of " + forgery);
            for (DeadLetter refusal : refusals) {
                assertTrue(refusal.reason().contains(forgery.reasonNames()), refusal.reason());
            }
        }
        DeadLetter oversized = refusalsOf(deadLetters, forgeries.get(forgeries.size() - 1)).get(0);
        assertEquals(900 * 1024, oversized.originalSize(), "the 900 KB record's size");
        assertFalse(oversized.hasWholeOriginal(), "the 900 KB record's dead letter keeps only its start");

        // The services were handed their Kafka logins; none may show up in what they wrote.
        for (Service service : Service.values()) {
            String log = Files.readString(pipeline.process(service).logFile());
            for (KafkaRole role : KafkaRole.values()) {
                assertFalse(log.contains(pipeline.kafkaPassword(role)), service + "'s log shows " + role
                        + "'s Kafka password");
            }
        }
    }

    /** A checkpoint of {@code generation} whose object is said to lie at {@code objectGeneration}'s key. */
    private static CheckpointPublished checkpoint(Pipeline pipeline, String runId, int generation,
                                                  int objectGeneration) {
        ObjectRef forged = new ObjectRef(ObjectKey.checkpoint(runId, objectGeneration).toUri(pipeline.bucket()),
                "f".repeat(64), 1234);
        return CheckpointPublished.of(runId, generation, Instant.now(), INTRUDER, forged,
                new ObjectRef(ObjectKey.trainingState(runId, objectGeneration).toUri(pipeline.bucket()),
                        "c".repeat(64), 2468),
                generation == 0 ? null : "e".repeat(64), "d".repeat(64), 8, 256, 3.0, 1);
    }

    /** A forged record, where it landed, and what every reason for refusing it names. */
    private record Forgery(RecordMetadata where, String reasonNames) {

        @Override
        public String toString() {
            return where.topic() + "-" + where.partition() + "@" + where.offset();
        }
    }

    private static Forgery send(KafkaProducer<String, byte[]> producer, CollapseEvent event, String reasonNames)
            throws Exception {
        return new Forgery(producer.send(EventRecords.toRecord(event)).get(30, TimeUnit.SECONDS), reasonNames);
    }

    private static List<DeadLetter> refusalsOf(List<DeadLetter> deadLetters, Forgery forgery) {
        return deadLetters.stream()
                .filter(d -> d.sourceTopic().equals(forgery.where().topic())
                        && d.sourcePartition() == forgery.where().partition()
                        && d.sourceOffset() == forgery.where().offset())
                .toList();
    }

    private static Optional<CollapseEvent> saved(Pipeline pipeline, String runId, int generation, String name) {
        ObjectKey key = ObjectKey.generationFile(runId, generation, name);
        return pipeline.store().stat(key).map(stored -> EventJson.readEvent(pipeline.store().get(key,
                stored.sha256())));
    }

    private static void awaitSaved(Pipeline pipeline, String runId, int generation, String name)
            throws InterruptedException {
        long deadline = System.nanoTime() + PipelineIT.RUN_TIMEOUT.toNanos();
        while (saved(pipeline, runId, generation, name).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "run " + runId + " did not save " + name + " of generation "
                    + generation + " within " + PipelineIT.RUN_TIMEOUT.toMinutes() + " min");
            Thread.sleep(1_000);
        }
    }

    /** The dead letters, read until every forgery has at least one. */
    private static List<DeadLetter> awaitDeadLetters(Pipeline pipeline, List<Forgery> forgeries) {
        List<DeadLetter> deadLetters = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClientConfig.with(
                pipeline.kafka(KafkaRole.AUDITOR), Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEAD_LETTER, Duration.ofSeconds(30))
                    .stream().map(info -> new TopicPartition(Topics.DEAD_LETTER, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + DEAD_LETTER_TIMEOUT.toNanos();
            while (forgeries.stream().anyMatch(f -> refusalsOf(deadLetters, f).isEmpty())) {
                assertTrue(System.nanoTime() < deadline, "forgeries without a dead letter after "
                        + DEAD_LETTER_TIMEOUT.toMinutes() + " min: " + forgeries.stream()
                        .filter(f -> refusalsOf(deadLetters, f).isEmpty()).toList());
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    deadLetters.add(EventJson.readDeadLetter(record.value()));
                }
            }
        }
        return deadLetters;
    }

    private static KafkaProducer<String, byte[]> producer(Pipeline pipeline, KafkaRole role) {
        return producer(pipeline.kafka(role));
    }

    private static KafkaProducer<String, byte[]> producer(Map<String, Object> login) {
        return new KafkaProducer<>(KafkaClientConfig.with(login, Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, REFUSAL_TIMEOUT_MS)), new StringSerializer(),
                new ByteArraySerializer());
    }

    /** The broker answers a client that does not sign in with nothing: its send never gets the topic's metadata. */
    private static void assertNotSignedIn(Pipeline pipeline, ProducerRecord<String, byte[]> record) {
        try (KafkaProducer<String, byte[]> anonymous = producer(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                pipeline.bootstrapServers()))) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> anonymous.send(record).get(30, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, e.getCause(), e.toString());
        }
    }

    private static void assertRefused(Pipeline pipeline, KafkaRole role, ProducerRecord<String, byte[]> record,
                                      Class<? extends AuthorizationException> refusal) {
        try (KafkaProducer<String, byte[]> producer = producer(pipeline, role)) {
            // Through the send's future, or from send itself once the producer has failed for good.
            Exception e = assertThrows(Exception.class, () -> producer.send(record).get(30, TimeUnit.SECONDS),
                    role + " on " + record.topic());
            Throwable cause = e;
            while (cause != null && !refusal.isInstance(cause)) {
                cause = cause.getCause();
            }
            assertInstanceOf(refusal, cause, role + " on " + record.topic() + ": " + e);
        }
    }
}
