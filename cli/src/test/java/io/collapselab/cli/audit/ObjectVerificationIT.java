package io.collapselab.cli.audit;

import static io.collapselab.cli.audit.SyntheticLog.sha;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.artifacts.S3Settings;
import io.collapselab.cli.audit.Discrepancy.Kind;
import io.collapselab.cli.runs.RecordLocation;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.ObjectRef;
import io.collapselab.experiment.MixingSettings;
import io.collapselab.experiment.Presets;
import io.collapselab.experiment.RetentionSettings;
import io.collapselab.lm.loop.TrainingMix;
import io.collapselab.localstack.LocalStack;
import io.collapselab.localstack.LocalStackExtension;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ObjectVerification} against the local stack's real S3 server, on made-up runs whose objects are short
 * texts: where objects must lie, their sizes, and the training mixes of the policies that need the texts.
 */
class ObjectVerificationIT {

    @RegisterExtension
    static LocalStackExtension extension = new LocalStackExtension();

    private final ArtifactStore store;

    ObjectVerificationIT(LocalStack stack) {
        this.store = new ArtifactStore(new S3Settings(stack.s3Endpoint(), stack.s3AccessKey(), stack.s3SecretKey(),
                stack.bucket(), stack.s3Region()));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void objectsWithTheirEventsDigestsAndSizesPass() {
        SyntheticLog log = new SyntheticLog("verify-sound").publishAll();
        upload(log);

        assertEquals(List.of(), ObjectVerification.verify(store, log.analyze().log()).discrepancies());
    }

    @Test
    void anObjectOutsideTheLayoutAndAWrongSizeAreReported() {
        SyntheticLog log = new SyntheticLog("verify-layout");
        upload(log);
        log.publish(log.request());
        log.publish(log.checkpoint(0));
        CorpusGenerated c = log.corpus(0);
        ConsumerRecord<String, byte[]> corpus = log.publish(CorpusGenerated.of(log.runId, 0, c.occurredAt(),
                c.producer(), new ObjectRef(c.corpus().uri(), c.corpus().sha256(), 1), c.tokens(), c.tokenCount(),
                c.checkpointSha256(), c.sampling(), c.seed()));
        CheckpointPublished one = log.checkpoint(1);
        String elsewhere = ObjectKey.checkpoint(log.runId, 2).toUri("collapse");
        ConsumerRecord<String, byte[]> checkpoint = log.publish(CheckpointPublished.of(log.runId, 1,
                one.occurredAt(), one.producer(), new ObjectRef(elsewhere, log.checkpointSha(2),
                        log.checkpointBytes(2).length), one.parentCheckpointSha256(), one.trainedOnSha256(),
                one.steps(), one.tokensSeen(), one.trainLoss(), one.wallMs()));

        assertEquals(List.of(
                new Discrepancy(Kind.SIZE_MISMATCH, 0, RecordLocation.of(corpus), "corpus 0 "
                        + c.corpus().uri() + " has " + log.corpusText(0).length + " bytes and the digest"
                        + " CorpusGenerated(0) names, but CorpusGenerated(0) gives its size as 1"),
                new Discrepancy(Kind.WRONG_OBJECT_KEY, 1, RecordLocation.of(checkpoint), "CheckpointPublished(1)"
                        + " names checkpoint 1 " + elsewhere + ", but the layout puts it at "
                        + ObjectKey.checkpoint(log.runId, 1).toUri("collapse"))),
                ObjectVerification.verify(store, log.analyze().log()).discrepancies());
    }

    @Test
    void underAccumulateEachCheckpointMustBeTrainedOnTheRebuiltMix() {
        SyntheticLog log = twoGenerationsOnTheirMixes("verify-accumulate", MixingSettings.ACCUMULATE);
        ConsumerRecord<String, byte[]> two = log.publish(log.checkpoint(2, log.corpusSha(1)));
        String expected = sha(mix(log, 2, List.of(log.corpusText(0), log.corpusText(1))));

        assertEquals(List.of(new Discrepancy(Kind.LINEAGE_BREAK, 2, RecordLocation.of(two), "CheckpointPublished(2)"
                        + " was trained on " + log.corpusSha(1) + ", but the accumulate training mix of generation 2,"
                        + " rebuilt from the training text and corpora 0..1, is " + expected)),
                ObjectVerification.verify(store, log.analyze().log()).discrepancies());
    }

    @Test
    void underAccumulateSubsampleEachCheckpointMustBeTrainedOnTheRebuiltSubsample() {
        SyntheticLog log = twoGenerationsOnTheirMixes("verify-subsample", MixingSettings.ACCUMULATE_SUBSAMPLE);
        // Trained on the whole pool, as accumulate would, rather than on a subsample of it.
        String wholePool = sha(TrainingMix.forGeneration(log.config.withMixing(
                new MixingSettings(MixingSettings.ACCUMULATE, 0)), log.trainText(),
                List.of(log.corpusText(0), log.corpusText(1)), 2));
        ConsumerRecord<String, byte[]> two = log.publish(log.checkpoint(2, wholePool));
        String expected = sha(mix(log, 2, List.of(log.corpusText(0), log.corpusText(1))));

        assertEquals(List.of(new Discrepancy(Kind.LINEAGE_BREAK, 2, RecordLocation.of(two), "CheckpointPublished(2)"
                        + " was trained on " + wholePool + ", but the accumulate-subsample training mix of generation"
                        + " 2, rebuilt from the training text and corpora 0..1, is " + expected)),
                ObjectVerification.verify(store, log.analyze().log()).discrepancies());
    }

    @Test
    void aMissingInputIsReportedAgainstTheRequest() {
        SyntheticLog log = new SyntheticLog("verify-inputs");
        ConsumerRecord<String, byte[]> request = log.publish(log.request());
        store.put(ObjectKey.input(log.runId, "train.txt"), log.trainText());

        assertEquals(List.of(new Discrepancy(Kind.MISSING_OBJECT, null, RecordLocation.of(request),
                        "the held-out text " + log.request().inputs().heldout().uri() + " named by RunRequested(0)"
                                + " does not exist in the object store at " + store.settings().endpoint())),
                ObjectVerification.verify(store, log.analyze().log()).discrepancies());
    }

    @Test
    void aCheckpointTheRetentionPolicyRemovedIsReportedAsRemovedAndOneItKeepsAsMissing() {
        SyntheticLog log = new SyntheticLog("verify-retention", Presets.get("smoke").withGenerations(3)
                .withRetention(new RetentionSettings(2, 1)));
        upload(log);
        log.publish(log.request());
        List<ConsumerRecord<String, byte[]>> checkpoints = new ArrayList<>();
        for (int g = 0; g <= 3; g++) {
            checkpoints.add(log.publish(log.checkpoint(g)));
            log.publish(log.corpus(g));
            log.publish(log.evaluation(g));
        }
        log.publish(log.completed());
        store.delete(ObjectKey.checkpoint(log.runId, 1));
        store.delete(ObjectKey.checkpoint(log.runId, 2));

        ObjectVerification.Findings findings = ObjectVerification.verify(store, log.analyze().log());

        assertEquals(List.of(new RemovedObject(1, "checkpoint 1", log.checkpoint(1).checkpoint().uri(),
                log.checkpointSha(1), "keep every 2nd generation's checkpoint and the last 1")),
                findings.removedByPolicy());
        assertEquals(List.of(new Discrepancy(Kind.MISSING_OBJECT, 2, RecordLocation.of(checkpoints.get(2)),
                        "checkpoint 2 " + log.checkpoint(2).checkpoint().uri() + " named by CheckpointPublished(2)"
                                + " does not exist in the object store at " + store.settings().endpoint())),
                findings.discrepancies(), "every 2nd generation is kept");
    }

    @Test
    void aCheckpointRemovedBeforeItsEvaluationIsMissingNotRemovedByPolicy() {
        SyntheticLog log = new SyntheticLog("verify-early-removal", Presets.get("smoke").withGenerations(3)
                .withRetention(new RetentionSettings(2, 1)));
        upload(log);
        log.publish(log.request());
        for (int g = 0; g <= 3; g++) {
            log.publish(log.checkpoint(g));
            log.publish(log.corpus(g));
            if (g != 1) {
                log.publish(log.evaluation(g));
            }
        }
        store.delete(ObjectKey.checkpoint(log.runId, 1));

        ObjectVerification.Findings findings = ObjectVerification.verify(store, log.analyze().log());

        assertEquals(List.of(), findings.removedByPolicy());
        assertEquals(List.of(Kind.MISSING_OBJECT), findings.discrepancies().stream().map(Discrepancy::kind).toList());
    }

    /**
     * A run of the smoke preset under {@code policy}, uploaded, with generations 0 and 1 published, checkpoint 1
     * trained on its rebuilt mix: what the tests then add is checkpoint 2.
     */
    private SyntheticLog twoGenerationsOnTheirMixes(String runId, String policy) {
        SyntheticLog log = new SyntheticLog(runId, Presets.get("smoke").withMixing(new MixingSettings(policy, 0)));
        upload(log);
        log.publish(log.request());
        log.publish(log.checkpoint(0));
        log.publish(log.corpus(0));
        log.publish(log.checkpoint(1, sha(mix(log, 1, List.of(log.corpusText(0))))));
        log.publish(log.corpus(1));
        return log;
    }

    private static byte[] mix(SyntheticLog log, int generation, List<byte[]> corpora) {
        return TrainingMix.forGeneration(log.config, log.trainText(), corpora, generation);
    }

    private void upload(SyntheticLog log) {
        store.put(ObjectKey.input(log.runId, "train.txt"), log.trainText());
        store.put(ObjectKey.input(log.runId, "heldout.txt"), log.heldoutText());
        for (int g = 0; g <= log.lastGeneration(); g++) {
            store.put(ObjectKey.checkpoint(log.runId, g), log.checkpointBytes(g));
            store.put(ObjectKey.corpus(log.runId, g), log.corpusText(g));
            store.put(ObjectKey.corpusTokens(log.runId, g), log.corpusTokens(g));
        }
    }
}
