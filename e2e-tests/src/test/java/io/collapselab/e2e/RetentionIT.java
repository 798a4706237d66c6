package io.collapselab.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.artifacts.S3Settings;
import io.collapselab.artifacts.StoredObject;
import io.collapselab.cli.audit.AuditReport;
import io.collapselab.cli.runs.RunIds;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.RetentionSettings;
import io.collapselab.lm.ComputeEnvironment;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A run under a retention policy through the three services: the trainer removes exactly the checkpoints the policy
 * lets go, nothing else, and the audit finds the run consistent and recomputes a removed generation through its
 * removed parent from the nearest kept ancestor.
 */
class RetentionIT {

    @RegisterExtension
    static PipelineExtension extension = new PipelineExtension();

    @Test
    void keepEveryThirdKeepsExactlyThoseAndTheNewestAndTheAuditRecomputesTheRest(Pipeline pipeline)
            throws Exception {
        ExperimentConfig config = Experiments.SMOKE.withName("smoke-retained").withGenerations(4)
                .withRetention(new RetentionSettings(3, 1));
        Experiments.Texts texts = Experiments.texts();
        String runId = RunIds.fresh("e2e-retention");

        pipeline.submitter().submit(runId, config, texts.train(), texts.heldout());
        RunLog log;
        try (RunObserver observer = pipeline.observer()) {
            log = observer.awaitCompletion(runId, PipelineIT.RUN_TIMEOUT, new ProgressLog(runId));
        }
        RunChecks.assertExactlyOnce(log, config.generations());
        RunChecks.assertLineage(log);
        // The last removal may follow the run's end by a moment: it waits for the trainer to read evaluation 2.
        awaitCheckpoints(pipeline, runId, Set.of(0, 3, 4));

        List<ObjectKey> kept = pipeline.store().list(runId).stream().map(StoredObject::key).toList();
        for (int g = 0; g <= config.generations(); g++) {
            assertTrue(kept.contains(ObjectKey.corpus(runId, g)), "corpus " + g + " stays");
            assertTrue(kept.contains(ObjectKey.generationFile(runId, g, ObjectKey.CHECKPOINT_EVENT)),
                    "the saved CheckpointPublished(" + g + ") stays");
        }
        JsonNode report = audit(pipeline, runId, 2);
        assertEquals(AuditReport.CONSISTENT, report.get("verdict").asText(), report.toPrettyString());
        List<String> removed = new ArrayList<>();
        report.get("removedByPolicy").forEach(entry -> removed.add(entry.get("what").asText()));
        assertEquals(List.of("checkpoint 1", "checkpoint 2"), removed);
        JsonNode recomputation = report.get("recomputation");
        assertTrue(recomputation.get("checkpoint").get("matches").asBoolean(), recomputation.toPrettyString());
        assertTrue(recomputation.get("corpus").get("matches").asBoolean(), recomputation.toPrettyString());
    }

    private static void awaitCheckpoints(Pipeline pipeline, String runId, Set<Integer> expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Set<Integer> stored = checkpoints(pipeline, runId);
        while (!stored.equals(expected) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for the retention policy", e);
            }
            stored = checkpoints(pipeline, runId);
        }
        assertEquals(expected, stored, "the checkpoints of run " + runId + " left by the retention policy");
    }

    /**
     * {@code collapse audit RUN --recompute G --json} as a user runs it: in a JVM of its own, with the services'
     * intra-op threads and MKL settings, without which recomputed digests need not match (see {@link Experiments}).
     */
    private static JsonNode audit(Pipeline pipeline, String runId, int generation) throws Exception {
        S3Settings s3 = pipeline.store().settings();
        Path dir = Files.createDirectories(E2eEnvironment.logRoot().resolve("retention-audit"));
        Path secret = Files.writeString(dir.resolve("s3-secret"), s3.secretKey());
        Path log = dir.resolve("audit.log");
        List<String> command = new ArrayList<>(E2eEnvironment.javaWithEngineSettings());
        command.addAll(List.of("-cp", String.join(File.pathSeparator, E2eEnvironment.cliClasspath()),
                "io.collapselab.cli.CollapseMain", "audit", runId, "--recompute", Integer.toString(generation),
                "--json", "--threads", Integer.toString(E2eEnvironment.torchThreads()),
                "--bootstrap-servers", pipeline.bootstrapServers(), "--s3-endpoint", s3.endpoint(),
                "--s3-bucket", s3.bucket(), "--s3-access-key", s3.accessKey(),
                "--s3-secret-key-file", secret.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        builder.environment().putAll(ComputeEnvironment.forComputeProcess());
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "collapse audit did not finish; see " + log);
        assertEquals(0, process.exitValue(), "collapse audit exited with " + process.exitValue() + ":\n"
                + new String(out, StandardCharsets.UTF_8) + Files.readString(log));
        return new ObjectMapper().readTree(out);
    }

    private static Set<Integer> checkpoints(Pipeline pipeline, String runId) {
        return pipeline.store().list(runId).stream()
                .map(StoredObject::key)
                .filter(key -> key.key().endsWith("/checkpoint.bin"))
                .map(key -> Integer.parseInt(key.key().replaceAll(".*/gen-(\\d{4})/checkpoint\\.bin", "$1")))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
