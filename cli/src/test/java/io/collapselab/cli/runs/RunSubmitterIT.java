package io.collapselab.cli.runs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectConflictException;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.events.RunRequested;
import io.collapselab.events.kafka.CloudEventHeaders;
import io.collapselab.events.kafka.DecodedEvent;
import io.collapselab.events.kafka.EventRecords;
import io.collapselab.events.kafka.KafkaRole;
import io.collapselab.events.kafka.Topics;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.ModelSettings;
import io.collapselab.experiment.Presets;
import io.collapselab.localstack.LocalStack;
import io.collapselab.localstack.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RunSubmitter} against the local stack's real Kafka broker and S3 server. */
class RunSubmitterIT {

    @RegisterExtension
    static LocalStackExtension extension = StackFixtures.stackWithTopics();

    private static final ExperimentConfig SMOKE = Presets.get("smoke");
    // What is uploaded is opaque to the submitter; short texts keep the test about the protocol.
    private static final byte[] TRAIN = "= Valkyria Chronicles III =\n The game began development in 2010 .\n"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] HELDOUT = "= Robert Boulter =\n Robert Boulter is an English actor .\n"
            .getBytes(StandardCharsets.UTF_8);

    private final LocalStack stack;
    private final ArtifactStore store;
    private final RunSubmitter submitter;

    RunSubmitterIT(LocalStack stack) {
        this.stack = stack;
        this.store = StackFixtures.store(stack);
        this.submitter = new RunSubmitter(StackFixtures.kafka(stack, KafkaRole.SUBMITTER), store);
    }

    @AfterEach
    void close() {
        submitter.close();
        store.close();
    }

    @Test
    void uploadsTheInputsThenPublishesRunRequestedKeyedByTheRunId() {
        RunSubmitter.Submission submission = submitter.submit("submit-1", SMOKE, TRAIN, HELDOUT);

        RunRequested event = submission.event();
        assertEquals("s3://" + stack.bucket() + "/runs/submit-1/inputs/train.txt", event.inputs().train().uri());
        assertEquals("s3://" + stack.bucket() + "/runs/submit-1/inputs/heldout.txt",
                event.inputs().heldout().uri());
        assertEquals(TRAIN.length, event.inputs().train().size());
        assertArrayEquals(TRAIN, store.get(ObjectKey.input("submit-1", "train.txt"),
                event.inputs().train().sha256()));
        assertArrayEquals(HELDOUT, store.get(ObjectKey.input("submit-1", "heldout.txt"),
                event.inputs().heldout().sha256()));
        assertEquals(SMOKE, event.config());

        List<ConsumerRecord<String, byte[]>> records = StackFixtures.recordsKeyed(stack, Topics.RUNS, "submit-1");
        assertEquals(1, records.size(), StackFixtures.describe(records));
        ConsumerRecord<String, byte[]> record = records.get(0);
        assertEquals(Topics.RUNS, submission.topic());
        assertEquals(record.partition(), submission.partition());
        assertEquals(record.offset(), submission.offset());
        assertEquals(event.eventId(), header(record, CloudEventHeaders.ID));
        assertEquals("io.collapselab.RunRequested.v3", header(record, CloudEventHeaders.TYPE));
        assertEquals("submit-1", header(record, CloudEventHeaders.SUBJECT));
        assertTrue(header(record, CloudEventHeaders.SOURCE).startsWith("/collapse-lab/cli/"),
                header(record, CloudEventHeaders.SOURCE));
        assertEquals(new DecodedEvent.Valid(event), EventRecords.decode(record));
    }

    @Test
    void anInvalidConfigIsRefusedBeforeAnythingIsUploadedOrPublished() {
        ExperimentConfig invalid = new ExperimentConfig(SMOKE.name(),
                new ModelSettings(1, 3, 32, 32, 0f, ModelSettings.BYTE_TOKENIZER, 0), SMOKE.pretraining(),
                SMOKE.selfTraining(), 10_000, SMOKE.sampling(), SMOKE.mixing(), SMOKE.evaluation(),
                SMOKE.collapse(), SMOKE.seed());

        InvalidRunException e = assertThrows(InvalidRunException.class,
                () -> submitter.submit("invalid-1", invalid, TRAIN, HELDOUT));

        assertEquals(List.of("config: generations must be between 0 and 9999 (object keys hold four digits), was"
                + " 10000", "config: model.heads (3) must divide model.width (32)"), e.problems());
        assertTrue(e.getMessage().startsWith("run 'invalid-1' was not submitted (nothing was uploaded or"
                + " published): config: generations must be between 0 and 9999"), e.getMessage());
        assertNothingStoredOrPublished("invalid-1");
    }

    @Test
    void anEmptyTextIsRefusedBeforeAnythingIsUploadedOrPublished() {
        InvalidRunException e = assertThrows(InvalidRunException.class,
                () -> submitter.submit("empty-1", SMOKE, TRAIN, new byte[0]));

        assertEquals(List.of("inputs.heldout.size must be positive, was 0"), e.problems());
        assertNothingStoredOrPublished("empty-1");
    }

    @Test
    void anInvalidRunIdIsRefused() {
        InvalidRunException e = assertThrows(InvalidRunException.class,
                () -> submitter.submit("Run_1", SMOKE, TRAIN, HELDOUT));

        assertEquals(List.of(RunIds.problem("Run_1")), e.problems());
    }

    @Test
    void submittingAgainWithTheSameTextsRepeatsTheSameRequest() {
        RunSubmitter.Submission first = submitter.submit("again-1", SMOKE, TRAIN, HELDOUT);
        RunSubmitter.Submission second = submitter.submit("again-1", SMOKE, TRAIN, HELDOUT);

        assertEquals(first.event().eventId(), second.event().eventId(), "consumers dedupe by event id");
        assertEquals(first.event().inputs(), second.event().inputs());
        assertEquals(2, StackFixtures.recordsKeyed(stack, Topics.RUNS, "again-1").size());
    }

    @Test
    void reusingARunIdWithOtherTextsIsRefusedBeforePublishing() {
        submitter.submit("reused-1", SMOKE, TRAIN, HELDOUT);
        byte[] otherTrain = "= Tower Building of the Little Rock Arsenal =\n".getBytes(StandardCharsets.UTF_8);

        ObjectConflictException e = assertThrows(ObjectConflictException.class,
                () -> submitter.submit("reused-1", SMOKE, otherTrain, HELDOUT));

        assertEquals(ObjectKey.input("reused-1", "train.txt"), e.key());
        assertEquals(1, StackFixtures.recordsKeyed(stack, Topics.RUNS, "reused-1").size(),
                "only the first submission was published");
    }

    private void assertNothingStoredOrPublished(String runId) {
        assertEquals(List.of(), store.list(runId), "objects of " + runId);
        assertEquals(List.of(), StackFixtures.recordsKeyed(stack, Topics.RUNS, runId), "records keyed " + runId);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
