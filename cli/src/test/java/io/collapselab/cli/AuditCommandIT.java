package io.collapselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.ProducerInfo;
import io.collapselab.cli.local.StackMain;
import io.collapselab.events.kafka.KafkaRole;
import io.collapselab.events.kafka.Topics;
import io.collapselab.experiment.CurationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.RetentionSettings;
import io.collapselab.lm.Sha256;
import io.collapselab.lm.data.Wikitext2;
import io.collapselab.localstack.LocalStack;
import io.collapselab.localstack.LocalStackExtension;
import io.collapselab.localstack.TopicSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code collapse audit} through the command line, against the local stack's real Kafka broker and S3 server, on
 * runs published as the services publish them ({@link RunFixture}). Each test publishes and damages its own run.
 */
class AuditCommandIT {

    @RegisterExtension
    static LocalStackExtension extension = LocalStackExtension.withTopics(Topics.ALL.stream()
            .map(topic -> new TopicSpec(topic.name(), topic.partitions(), topic.configs()))
            .toList()).withKafkaUsers(StackMain.kafkaUsers());

    private static RunFixture fixture;

    private final LocalStack stack;
    private final Path secretFile;

    AuditCommandIT(LocalStack stack, @TempDir Path dir) throws Exception {
        this.stack = stack;
        // The secret key travels as a file, as it would in a deployment; the tests check it is never printed.
        this.secretFile = Files.writeString(dir.resolve("s3-secret"), stack.s3SecretKey());
    }

    @Test
    void aCleanRunIsConsistentAndTheAuditJoinsNoConsumerGroup() throws Exception {
        RunFixture run = fixture();
        run.publish(stack, "audit-clean");

        Result result = audit("audit-clean");

        assertEquals(AuditCommand.CONSISTENT, result.exitCode(), result.describe());
        assertEquals("", result.err());
        List<String> lines = result.out().lines().toList();
        assertEquals("CONSISTENT", lines.get(lines.size() - 1), result.out());
        assertTrue(lines.get(0).startsWith("run audit-clean: audit-tiny, 1 generations, mixing replace, seed 1234;"
                + " status max-generations"), result.out());
        for (int g = 0; g <= run.lastGeneration(); g++) {
            String generation = String.format("%4d  %s  %s", g, run.checkpointSha256(g).substring(0, 12),
                    g == 0 ? "-           " : run.checkpointSha256(g - 1).substring(0, 12));
            String line = lines.stream().filter(l -> l.startsWith(generation)).findFirst()
                    .orElseThrow(() -> new AssertionError("no lineage line '" + generation + "' in\n" + result.out()));
            assertTrue(line.contains(run.corpusSha256(g).substring(0, 12)), line);
            assertTrue(line.endsWith("  ok"), line);
        }
        assertEquals(List.of(), groups(), "the audit must never join a consumer group");
    }

    @Test
    void runsGivesTheSameListAsJson() throws Exception {
        RunFixture run = fixture();
        run.publish(stack, "runs-json");
        ByteArrayOutputStream standardOutput = new ByteArrayOutputStream();
        PrintStream original = System.out;
        Result result;
        try {
            System.setOut(new PrintStream(standardOutput, true, StandardCharsets.UTF_8));
            result = run("runs", "--json", "--bootstrap-servers", stack.bootstrapServers(), "--s3-endpoint",
                    stack.s3Endpoint(), "--s3-access-key", stack.s3AccessKey(), "--s3-secret-key-file",
                    secretFile.toString(), "--kafka-user", KafkaRole.AUDITOR.user(), "--kafka-password-file",
                    auditorPasswordFile().toString());
        } finally {
            System.setOut(original);
        }

        assertEquals(CollapseMain.OK, result.exitCode(), result.describe());
        JsonNode rows = new ObjectMapper().readTree(standardOutput.toByteArray());
        JsonNode row = null;
        for (JsonNode candidate : rows) {
            row = "runs-json".equals(candidate.get("runId").asText()) ? candidate : row;
        }
        assertTrue(row != null, "runs-json is listed: " + rows);
        assertEquals("completed", row.get("status").asText());
        assertEquals(run.lastGeneration(), row.get("generation").asInt());
        assertTrue(row.get("heldoutPerplexity").asDouble() > 1, row.toString());
        assertEquals("max-generations", row.get("reason").asText());
    }

    @Test
    void theJsonReportHoldsTheLineageAndTheVerdict() throws Exception {
        RunFixture run = fixture();
        run.publish(stack, "audit-json");

        Result result = audit("audit-json", "--json");

        assertEquals(AuditCommand.CONSISTENT, result.exitCode(), result.describe());
        JsonNode report = new ObjectMapper().readTree(result.out());
        assertEquals("CONSISTENT", report.get("verdict").asText());
        assertEquals("max-generations", report.get("status").asText());
        assertEquals(0, report.get("discrepancies").size());
        assertEquals(2 + 3 * (run.lastGeneration() + 1), report.get("records").get("total").asInt(),
                "RunRequested, three events per generation, RunCompleted");
        JsonNode lineage = report.get("lineage");
        assertEquals(run.lastGeneration() + 1, lineage.size());
        JsonNode one = lineage.get(1);
        assertEquals(run.checkpointSha256(1), one.get("checkpointSha256").asText());
        assertEquals(run.checkpointSha256(0), one.get("parentCheckpointSha256").asText());
        assertEquals(run.corpusSha256(0), one.get("trainedOnSha256").asText(), "replace trains on corpus 0");
        assertEquals(run.corpusSha256(1), one.get("corpusSha256").asText());
        assertTrue(one.get("heldoutPerplexity").asDouble() > 1, one.toString());
        assertEquals("ok", one.get("status").asText());
    }

    @Test
    void recomputingAGenerationReproducesItsCheckpointAndCorpus() throws Exception {
        RunFixture run = fixture();
        run.publish(stack, "audit-recompute");

        Result result = audit("audit-recompute", "--recompute", "1");

        assertEquals(AuditCommand.CONSISTENT, result.exitCode(), result.describe());
        assertTrue(result.out().contains("(" + ThreadOptions.effective() + " intra-op threads): checkpoint "
                + run.checkpointSha256(1).substring(0, 12) + " matches; corpus " + run.corpusSha256(1).substring(0, 12)
                + " matches"), result.out());
    }

    /** Anchored training reads generation 0 and the real text from the run's lineage, and so does its audit. */
    @Test
    void anAnchoredGenerationIsRecomputedFromGenerationZeroAndTheRealTextInTheLog() throws Exception {
        ExperimentConfig anchored = RunFixture.CONFIG.withSelfTraining(RunFixture.CONFIG.selfTraining()
                .withAnchors(2.0, 0.5));
        RunFixture run = RunFixture.compute(anchored, Wikitext2.shippedTrainText(), Wikitext2.shippedHeldoutText());
        run.publish(stack, "audit-anchored");
        run.publishClaiming(stack, "audit-anchors-unclaimed", RunFixture.CONFIG);

        Result result = audit("audit-anchored", "--recompute", "1");
        Result unclaimed = audit("audit-anchors-unclaimed", "--recompute", "1");

        assertEquals(AuditCommand.CONSISTENT, result.exitCode(), result.describe());
        assertTrue(result.out().contains("checkpoint " + run.checkpointSha256(1).substring(0, 12) + " matches"),
                result.out());
        assertNotEquals(fixture().checkpointSha256(1), run.checkpointSha256(1), "the anchors changed generation 1");
        assertEquals(AuditCommand.DISCREPANCIES, unclaimed.exitCode(), "a run recorded without its anchors does "
                + "not recompute to what anchored training wrote: " + unclaimed.describe());
    }

    /**
     * A curated corpus is re-sampled, scored under generation 0 from the log and curated again: its digest and the
     * counts its event records verify, and a run recorded without its curation does not.
     */
    @Test
    void aCuratedCorpusIsRecomputedWithItsCountsFromGenerationZeroInTheLog() throws Exception {
        ExperimentConfig curated = RunFixture.CONFIG.withSampling(RunFixture.CONFIG.sampling()
                .withCuration(new CurationSettings(1.0, 1e6, 24, 2)));
        RunFixture run = RunFixture.compute(curated, Wikitext2.shippedTrainText(), Wikitext2.shippedHeldoutText());
        List<CollapseEvent> events = run.publish(stack, "audit-curated");
        run.publishClaiming(stack, "audit-curation-unclaimed", RunFixture.CONFIG);

        Result result = audit("audit-curated", "--recompute", "1");
        Result unclaimed = audit("audit-curation-unclaimed", "--recompute", "1");

        assertEquals(AuditCommand.CONSISTENT, result.exitCode(), result.describe());
        assertTrue(result.out().contains("corpus " + run.corpusSha256(1).substring(0, 12) + " matches"),
                result.out());
        CorpusGenerated corpus1 = events.stream().filter(e -> e instanceof CorpusGenerated c && c.generation() == 1)
                .map(CorpusGenerated.class::cast).findFirst().orElseThrow();
        assertEquals(8, corpus1.curation().sampled(), "oversample 2 of 4 sequences");
        assertEquals(Math.min(4, 8 - corpus1.curation().droppedAsDuplicate()), corpus1.curation().kept(),
                "the corpus holds 4 samples at most: " + corpus1.curation());
        assertEquals(AuditCommand.DISCREPANCIES, unclaimed.exitCode(), "a run recorded without its curation does "
                + "not recompute to the curated corpus: " + unclaimed.describe());
    }

    /**
     * Checkpoints the retention policy removed are reported as such, and a generation after them recomputes from the
     * nearest kept ancestor through each removed one, every digest as recorded.
     */
    @Test
    void removedCheckpointsAreReportedAndRecomputedFromTheNearestKeptAncestor() throws Exception {
        ExperimentConfig retained = RunFixture.CONFIG.withGenerations(3).withRetention(new RetentionSettings(3, 1));
        RunFixture run = RunFixture.compute(retained, Wikitext2.shippedTrainText(), Wikitext2.shippedHeldoutText());
        run.publish(stack, "audit-retained");
        try (ArtifactStore store = RunFixture.store(stack)) {
            for (int removed = 1; removed <= 2; removed++) {
                ObjectKey.checkpointObjects("audit-retained", removed).forEach(store::delete);
            }
        }

        Result audit = audit("audit-retained");
        Result recompute = audit("audit-retained", "--recompute", "3");

        assertEquals(AuditCommand.CONSISTENT, audit.exitCode(), audit.describe());
        assertTrue(audit.out().contains("removed by the retention policy (keep every 3rd generation's checkpoint and"
                + " the last 1): checkpoint 1, checkpoint 2"), audit.out());
        assertEquals(AuditCommand.CONSISTENT, recompute.exitCode(), recompute.describe());
        assertTrue(recompute.out().contains("checkpoint " + run.checkpointSha256(3).substring(0, 12) + " matches;"
                + " corpus " + run.corpusSha256(3).substring(0, 12) + " matches"), recompute.out());
        assertTrue(recompute.out().contains("note: checkpoints 1, 2, removed by the retention policy, recomputed on"
                + " the way from the nearest kept ancestor"), recompute.out());
    }

    @Test
    void aRunWhoseRecordedSeedDidNotProduceItsGenerationsFailsRecomputation() throws Exception {
        RunFixture run = fixture();
        run.publishClaiming(stack, "audit-unreproducible", RunFixture.CONFIG.withSeed(99));

        Result result = audit("audit-unreproducible", "--recompute", "1");

        assertEquals(AuditCommand.DISCREPANCIES, result.exitCode(), result.describe());
        List<String> discrepancies = discrepancyLines(result);
        assertEquals(3, discrepancies.size(), result.out());
        assertTrue(discrepancies.get(0).matches("  RECOMPUTE_MISMATCH generation 1, collapse\\.checkpoints-\\d+@\\d+:"
                + " recomputing generation 1 gave checkpoint [0-9a-f]{64}, but CheckpointPublished\\(1\\) records "
                + run.checkpointSha256(1)), discrepancies.get(0));
        assertTrue(discrepancies.get(1).matches("  RECOMPUTE_MISMATCH generation 1, collapse\\.checkpoints-\\d+@\\d+:"
                + " recomputing generation 1 gave training state [0-9a-f]{64}, but CheckpointPublished\\(1\\) "
                + "records [0-9a-f]{64}"), discrepancies.get(1));
        assertTrue(discrepancies.get(2).matches("  RECOMPUTE_MISMATCH generation 1, collapse\\.corpora-\\d+@\\d+:"
                + " re-sampling generation 1 from its checkpoint gave corpus [0-9a-f]{64}, but CorpusGenerated\\(1\\)"
                + " records " + run.corpusSha256(1)), discrepancies.get(2));
        assertTrue(result.out().contains("  note: digests are bit-identical only with the intra-op thread count the"
                + " services used (here " + ThreadOptions.effective() + "; pass --threads)"), result.out());
    }

    @Test
    void aDeletedObjectIsMissingInItsGeneration() throws Exception {
        fixture().publish(stack, "audit-deleted");
        ObjectKey corpus = ObjectKey.corpus("audit-deleted", 1);
        Files.delete(RunFixture.file(stack, corpus));

        Result result = audit("audit-deleted");

        assertEquals(AuditCommand.DISCREPANCIES, result.exitCode(), result.describe());
        List<String> discrepancies = discrepancyLines(result);
        assertEquals(1, discrepancies.size(), result.out());
        assertTrue(discrepancies.get(0).matches("  MISSING_OBJECT generation 1, collapse\\.corpora-\\d+@\\d+: "
                + Pattern.quote("corpus 1 " + corpus.toUri(stack.bucket()) + " named by CorpusGenerated(1) does not"
                + " exist in the object store at ") + ".*"), discrepancies.get(0));
        assertTrue(result.out().endsWith("DISCREPANCIES: 1" + System.lineSeparator()), result.out());
    }

    @Test
    void alteredBytesAreADigestMismatchNamingBothDigests() throws Exception {
        RunFixture run = fixture();
        run.publish(stack, "audit-altered");
        ObjectKey checkpoint = ObjectKey.checkpoint("audit-altered", 0);
        Path file = RunFixture.file(stack, checkpoint);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        // Rewritten in place, so that the S3 server keeps the object's metadata and serves the new bytes.
        Files.write(file, bytes);

        Result result = audit("audit-altered");

        assertEquals(AuditCommand.DISCREPANCIES, result.exitCode(), result.describe());
        List<String> discrepancies = discrepancyLines(result);
        assertEquals(1, discrepancies.size(), result.out());
        assertTrue(discrepancies.get(0).startsWith("  DIGEST_MISMATCH generation 0, collapse.checkpoints-"),
                discrepancies.get(0));
        assertTrue(discrepancies.get(0).contains(checkpoint.toUri(stack.bucket()) + " has sha256 "
                + Sha256.hex(bytes) + ", but CheckpointPublished(0) names " + run.checkpointSha256(0)),
                discrepancies.get(0));
    }

    @Test
    void aForgedEventWithAnotherDigestIsNamedWhereItSits() throws Exception {
        RunFixture run = fixture();
        List<CollapseEvent> events = run.publish(stack, "audit-forged");
        CheckpointPublished genuine = events.stream()
                .filter(e -> e instanceof CheckpointPublished && e.generation() == 1)
                .map(CheckpointPublished.class::cast)
                .findFirst().orElseThrow();
        String forgedSha = Sha256.hex("forged".getBytes(StandardCharsets.UTF_8));
        CheckpointPublished forged = CheckpointPublished.of("audit-forged", 1, Instant.now(),
                new ProducerInfo("trainer-service", "intruder", "test"), new ObjectRef(genuine.checkpoint().uri(),
                        forgedSha, genuine.checkpoint().size()), genuine.trainingState(),
                        genuine.parentCheckpointSha256(),
                genuine.trainedOnSha256(), genuine.steps(), genuine.tokensSeen(), genuine.trainLoss(),
                genuine.wallMs());
        RecordMetadata where = RunFixture.append(stack, forged);

        Result result = audit("audit-forged");

        assertEquals(AuditCommand.DISCREPANCIES, result.exitCode(), result.describe());
        List<String> discrepancies = discrepancyLines(result);
        assertEquals(1, discrepancies.size(), result.out());
        assertTrue(discrepancies.get(0).startsWith("  CONFLICTING_DUPLICATE generation 1, " + Topics.CHECKPOINTS
                + "-" + where.partition() + "@" + where.offset() + ": CheckpointPublished(1) differs from its first"
                + " copy"), discrepancies.get(0));
        assertTrue(discrepancies.get(0).contains("checkpoint.sha256 (\"" + run.checkpointSha256(1) + "\" vs \""
                + forgedSha + "\")"), discrepancies.get(0));
    }

    @Test
    void aDeletedSavedEventIsNamedInItsGeneration() throws Exception {
        fixture().publish(stack, "audit-unsaved");
        ObjectKey saved = ObjectKey.generationFile("audit-unsaved", 1, ObjectKey.CORPUS_EVENT);
        Files.delete(RunFixture.file(stack, saved));

        Result result = audit("audit-unsaved");

        assertEquals(AuditCommand.DISCREPANCIES, result.exitCode(), result.describe());
        List<String> discrepancies = discrepancyLines(result);
        assertEquals(1, discrepancies.size(), result.out());
        assertTrue(discrepancies.get(0).startsWith("  SAVED_EVENT_MISMATCH generation 1, " + Topics.CORPORA + "-"),
                discrepancies.get(0));
        assertTrue(discrepancies.get(0).endsWith("CorpusGenerated(1) has no saved copy at " + saved.key()
                + ": a redelivery would recompute it, and consumers refuse it"), discrepancies.get(0));
    }

    @Test
    void anEditedSavedEventIsNamedInItsGeneration() throws Exception {
        RunFixture run = fixture();
        run.publish(stack, "audit-edited");
        ObjectKey saved = ObjectKey.generationFile("audit-edited", 0, ObjectKey.CHECKPOINT_EVENT);
        Path file = RunFixture.file(stack, saved);
        String forgedSha = "0".repeat(64);
        // Rewritten in place, so that the S3 server keeps serving it under its key.
        Files.writeString(file, Files.readString(file).replace(run.checkpointSha256(0), forgedSha));

        Result result = audit("audit-edited");

        assertEquals(AuditCommand.DISCREPANCIES, result.exitCode(), result.describe());
        List<String> discrepancies = discrepancyLines(result);
        assertTrue(discrepancies.stream().anyMatch(line -> line.startsWith("  SAVED_EVENT_MISMATCH generation 0")
                && line.contains("the saved copy of CheckpointPublished(0) at " + saved.key() + " has sha256 ")
                && line.endsWith(": it was changed after it was written")), result.out());
    }

    @Test
    void anUnknownRunCannotBeAudited() {
        Result result = audit("audit-nobody");

        assertEquals(AuditCommand.NOT_AUDITED, result.exitCode(), result.describe());
        assertEquals("", result.out());
        assertOnlyLine(result.err(), "collapse: unknown run audit-nobody: the event log at "
                + stack.bootstrapServers() + " holds no record of it; `collapse runs` lists the runs");
    }

    @Test
    void anUnreachableBrokerIsOneLineAndNoAudit() {
        Result result = run("audit", "audit-clean", "--bootstrap-servers", "127.0.0.1:1", "--s3-endpoint",
                stack.s3Endpoint(), "--s3-access-key", stack.s3AccessKey(), "--s3-secret-key-file",
                secretFile.toString());

        assertEquals(AuditCommand.NOT_AUDITED, result.exitCode(), result.describe());
        assertEquals("", result.out());
        assertOnlyLine(result.err(), "collapse: no Kafka broker answered at 127.0.0.1:1 within 10 s; check the"
                + " address and that the cluster is up");
    }

    @Test
    void anUnreachableObjectStoreIsOneLineAndNoAudit() {
        Result result = run("audit", "audit-clean", "--bootstrap-servers", stack.bootstrapServers(),
                "--s3-endpoint", "http://127.0.0.1:1", "--s3-access-key", stack.s3AccessKey(),
                "--s3-secret-key-file", secretFile.toString(), "--kafka-user", KafkaRole.AUDITOR.user(),
                "--kafka-password-file", auditorPasswordFile().toString());

        assertEquals(AuditCommand.NOT_AUDITED, result.exitCode(), result.describe());
        assertEquals("", result.out());
        assertOnlyLine(result.err(), "collapse: the S3 server at http://127.0.0.1:1 did not answer, or refused the"
                + " credentials; check the address and that the cluster is up, and the S3 access and secret key");
    }

    @Test
    void aRecomputationOfAGenerationTheRunDoesNotHaveIsRefused() throws Exception {
        fixture().publish(stack, "audit-short");

        Result result = audit("audit-short", "--recompute", "7");

        assertEquals(AuditCommand.NOT_AUDITED, result.exitCode(), result.describe());
        assertOnlyLine(result.err(), "collapse: cannot recompute generation 7 of run audit-short: the log has no"
                + " checkpoint of it (it has checkpoints of generations 0..1)");
    }

    private Path auditorPasswordFile() {
        try {
            return Files.writeString(secretFile.resolveSibling("auditor-password"),
                    stack.kafkaPassword(KafkaRole.AUDITOR.user()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Result audit(String runId, String... options) {
        List<String> args = new ArrayList<>(List.of("audit", runId, "--bootstrap-servers", stack.bootstrapServers(),
                "--s3-endpoint", stack.s3Endpoint(), "--s3-access-key", stack.s3AccessKey(),
                "--s3-secret-key-file", secretFile.toString(), "--kafka-user", KafkaRole.AUDITOR.user(),
                "--kafka-password-file", auditorPasswordFile().toString()));
        args.addAll(List.of(options));
        return run(args.toArray(String[]::new));
    }

    private Result run(String... args) {
        CommandLine commandLine = CollapseMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        Result result = new Result(commandLine.execute(args), out.toString(), err.toString());
        assertFalse(result.out().contains(stack.s3SecretKey()) || result.err().contains(stack.s3SecretKey()),
                "the S3 secret key must never be printed");
        return result;
    }

    private static List<String> discrepancyLines(Result result) {
        List<String> lines = result.out().lines().toList();
        int heading = lines.indexOf("discrepancies:");
        assertTrue(heading >= 0, result.out());
        return lines.subList(heading + 1, lines.size() - 1);
    }

    private static void assertOnlyLine(String err, String expected) {
        assertEquals(expected, err.strip());
    }

    private List<String> groups() throws Exception {
        try (Admin admin = Admin.create(stack.kafkaClientConfig(LocalStack.ADMIN_USER))) {
            return admin.listGroups().all().get(30, TimeUnit.SECONDS).stream().map(GroupListing::groupId).toList();
        }
    }

    /** The generations, computed once for all tests on the shipped WikiText-2. */
    private static synchronized RunFixture fixture() throws Exception {
        if (fixture == null) {
            fixture = RunFixture.compute(Wikitext2.shippedTrainText(), Wikitext2.shippedHeldoutText());
        }
        return fixture;
    }

    private record Result(int exitCode, String out, String err) {

        String describe() {
            return "exit " + exitCode + "\nout:\n" + out + "\nerr:\n" + err;
        }
    }
}
