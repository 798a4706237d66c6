package io.collapselab.cli.audit;

import io.collapselab.cli.runs.RecordLocation;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.EvaluationCompleted;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.ProducerInfo;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunInputs;
import io.collapselab.events.RunRequested;
import io.collapselab.events.json.EventJson;
import io.collapselab.events.kafka.CloudEventHeaders;
import io.collapselab.events.kafka.Topics;
import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.Presets;
import io.collapselab.lm.sample.CorpusTokens;
import io.collapselab.lm.tokenizer.ByteTokenizer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A made-up but sound run (of the smoke preset, generations 0..2, unless told otherwise) as the services would
 * publish it, whose objects are short texts naming themselves, so that tests can state digests and sizes, and the
 * Kafka records of its events, numbered as a log would hold them: one partition per topic, offsets counting up per
 * topic.
 */
final class SyntheticLog {

    static final ProducerInfo CLI = new ProducerInfo("cli", "laptop", "0.1.0");
    static final ProducerInfo TRAINER = new ProducerInfo("trainer-service", "trainer-1", "0.1.0");
    static final ProducerInfo GENERATOR = new ProducerInfo("generator-service", "generator-1", "0.1.0");
    static final ProducerInfo EVALUATOR = new ProducerInfo("evaluator-service", "evaluator-1", "0.1.0");
    static final Instant START = Instant.parse("2024-05-01T12:00:00Z");
    static final int PARTITION = 3;

    final String runId;
    final ExperimentConfig config;
    private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();

    /** A run of the smoke preset. */
    SyntheticLog(String runId) {
        this(runId, Presets.get("smoke"));
    }

    SyntheticLog(String runId, ExperimentConfig experiment) {
        this.runId = runId;
        this.config = experiment;
    }

    int lastGeneration() {
        return config.generations();
    }

    RunRequested request() {
        return RunRequested.of(runId, START, CLI, config, new RunInputs(
                ref("inputs/train.txt", trainText()), ref("inputs/heldout.txt", heldoutText())));
    }

    /** The content of each object: a line that names it, so that digests and sizes follow from names. */
    byte[] trainText() {
        return text(runId + " train");
    }

    byte[] heldoutText() {
        return text(runId + " heldout");
    }

    byte[] checkpointBytes(int g) {
        return text(runId + " checkpoint " + g);
    }

    byte[] trainingStateBytes(int g) {
        return text(runId + " training state " + g);
    }

    byte[] corpusText(int g) {
        return text(runId + " corpus " + g);
    }

    /** The ids of corpus {@code g}: its bytes, as a byte-level model samples them. */
    byte[] corpusTokens(int g) {
        return CorpusTokens.toBytes(ByteTokenizer.INSTANCE.encode(corpusText(g)));
    }

    String trainSha() {
        return sha(trainText());
    }

    String heldoutSha() {
        return sha(heldoutText());
    }

    String checkpointSha(int g) {
        return sha(checkpointBytes(g));
    }

    String corpusSha(int g) {
        return sha(corpusText(g));
    }

    /** Checkpoint {@code g}, trained (as under {@code replace}) on the training text or the previous corpus. */
    CheckpointPublished checkpoint(int g) {
        return checkpoint(g, g == 0 ? trainSha() : corpusSha(g - 1));
    }

    CheckpointPublished checkpoint(int g, String trainedOnSha256) {
        return CheckpointPublished.of(runId, g, START.plusSeconds(10L * g + 1), TRAINER,
                ref(String.format("gen-%04d/checkpoint.bin", g), checkpointBytes(g)),
                ref(String.format("gen-%04d/training-state.bin", g), trainingStateBytes(g)),
                g == 0 ? null : checkpointSha(g - 1), trainedOnSha256, 40, 10_240, 2.0, 900);
    }

    CorpusGenerated corpus(int g) {
        return CorpusGenerated.of(runId, g, START.plusSeconds(10L * g + 2), GENERATOR,
                ref(String.format("gen-%04d/corpus.txt", g), corpusText(g)),
                ref(String.format("gen-%04d/corpus-tokens.bin", g), corpusTokens(g)), corpusText(g).length - 1,
                checkpointSha(g), config.sampling(), 7 + g);
    }

    EvaluationCompleted evaluation(int g) {
        return EvaluationCompleted.of(runId, g, START.plusSeconds(10L * g + 3), EVALUATOR,
                new EvaluationCompleted.Metrics(2.0 + g, Math.exp(2.0 + g), EvaluationSettings.WHOLE_TEXT, 4_096L,
                        2.75 + g, 1000.0 * (g + 1), 2.0 + g, Math.exp(2.0 + g), 2.75 + g, 1000.0 * (g + 1), 4_096L, 0.5,
                        0.8, 0.9, 0.1, 7.0, 0.05, 0.01, 0),
                "excerpt of generation " + g, false, checkpointSha(g), corpusSha(g));
    }

    RunCompleted completed() {
        return RunCompleted.of(runId, lastGeneration(), START.plusSeconds(10L * lastGeneration() + 4), EVALUATOR,
                RunCompleted.Reason.MAX_GENERATIONS, "", lastGeneration());
    }

    /** Appends the run's events as the pipeline publishes them, without {@code RunCompleted}. */
    SyntheticLog publishUntilCompletion() {
        publish(request());
        for (int g = 0; g <= lastGeneration(); g++) {
            publish(checkpoint(g));
            publish(corpus(g));
            publish(evaluation(g));
        }
        return this;
    }

    /** Appends the whole run. */
    SyntheticLog publishAll() {
        publishUntilCompletion();
        publish(completed());
        return this;
    }

    /** Appends {@code event} on its topic, keyed by its run id, with its CloudEvents headers. */
    ConsumerRecord<String, byte[]> publish(CollapseEvent event) {
        return publish(Topics.topicFor(event), event.runId(), event);
    }

    ConsumerRecord<String, byte[]> publish(String topic, String key, CollapseEvent event) {
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(headers, event);
        return publish(topic, key, EventJson.toBytes(event), headers);
    }

    ConsumerRecord<String, byte[]> publish(String topic, String key, byte[] value, RecordHeaders headers) {
        long offset = records.stream().filter(r -> r.topic().equals(topic)).count();
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(topic, PARTITION, offset,
                ConsumerRecord.NO_TIMESTAMP, TimestampType.NO_TIMESTAMP_TYPE, ConsumerRecord.NULL_SIZE,
                ConsumerRecord.NULL_SIZE, key, value, headers, Optional.empty());
        records.add(record);
        return record;
    }

    /** Removes the record of {@code event} that was appended first. */
    void remove(CollapseEvent event) {
        byte[] bytes = EventJson.toBytes(event);
        records.remove(records.stream().filter(r -> Arrays.equals(r.value(), bytes)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not in the log: " + event)));
    }

    /** The records in log order, as {@link EventLogReplay} returns them. */
    List<ConsumerRecord<String, byte[]>> records() {
        List<ConsumerRecord<String, byte[]>> sorted = new ArrayList<>(records);
        sorted.sort(Comparator
                .<ConsumerRecord<String, byte[]>>comparingInt(r -> EventLogReplay.TOPICS.indexOf(r.topic()))
                .thenComparingLong(ConsumerRecord::offset));
        return sorted;
    }

    LogAnalysis analyze() {
        return LogAnalysis.analyze(runId, records());
    }

    static RecordLocation at(ConsumerRecord<?, ?> record) {
        return RecordLocation.of(record);
    }

    static String sha(String text) {
        return sha(text(text));
    }

    static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private ObjectRef ref(String keyInRun, byte[] content) {
        return new ObjectRef("s3://collapse/runs/" + runId + "/" + keyInRun, sha(content), content.length);
    }
}
