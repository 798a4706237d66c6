package io.collapselab.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.S3Settings;
import io.collapselab.cli.RunJson;
import io.collapselab.cli.local.LocalProcesses;
import io.collapselab.cli.runs.RunIds;
import io.collapselab.cli.runs.RunListener;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.cli.runs.RunSubmitter;
import io.collapselab.events.kafka.KafkaRole;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.localstack.StackConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack, broker and S3 server in one process as {@code collapse up} runs it, SIGKILLed while the trainer
 * trains a generation, then started again by the next {@code collapse up} on the same data: the broker recovers its
 * log from an unclean shutdown, the services (left running) reconnect, and the run ends with the digests of an
 * undisturbed run, no generation lost and none applied twice.
 */
class StackCrashIT {

    private static final Duration INTO_THE_WORK = Duration.ofMillis(500);
    private static final Duration DOWNTIME = Duration.ofSeconds(5);

    @BeforeAll
    static void locateTheServices() {
        E2eEnvironment.runnerJars();
    }

    @Test
    void aStackKilledMidGenerationAndStartedAgainLosesAndRepeatsNothing(@TempDir Path dir) throws Exception {
        ExperimentConfig config = Experiments.CRASHABLE;
        Experiments.Texts texts = Experiments.texts();
        String runId = RunIds.fresh("e2e-stack-crash");
        CompletableFuture<RunJson> reference = Experiments.startReference(config);
        LocalProcesses local = new LocalProcesses(dir.resolve("state"), E2eEnvironment.repoRoot());
        try {
            StackConnection connection = local.up(E2eEnvironment.torchThreads(), System.err);
            ProcessHandle stack = local.running(LocalProcesses.STACK).orElseThrow();
            Instant killed;
            try (ArtifactStore store = store(connection)) {
                try (RunSubmitter submitter = new RunSubmitter(
                        connection.kafkaClientConfig(KafkaRole.SUBMITTER.user()), store);
                     RunObserver observer = new RunObserver(
                             connection.kafkaClientConfig(KafkaRole.AUDITOR.user()))) {
                    submitter.submit(runId, config, texts.train(), texts.heldout());
                    observer.await(runId, "CorpusGenerated(0), which starts the training of generation 1",
                            log -> log.generation(0).map(g -> g.corpus() != null).orElse(false),
                            PipelineIT.RUN_TIMEOUT, RunListener.NONE);
                    Thread.sleep(INTO_THE_WORK.toMillis());
                    killed = Instant.now();
                    stack.destroyForcibly();
                    stack.onExit().get(30, TimeUnit.SECONDS);
                }
            }
            Thread.sleep(DOWNTIME.toMillis());
            StackConnection restarted = local.up(E2eEnvironment.torchThreads(), System.err);

            RunLog log;
            try (RunObserver observer = new RunObserver(restarted.kafkaClientConfig(KafkaRole.AUDITOR.user()))) {
                log = observer.awaitCompletion(runId, PipelineIT.RUN_TIMEOUT, new ProgressLog(runId));
            }
            Instant published = log.generation(1).orElseThrow().checkpoint().occurredAt();
            assertTrue(published.isAfter(killed), "CheckpointPublished(1) is from " + published + ", before the kill"
                    + " at " + killed + ", so the kill interrupted nothing; lengthen the training in"
                    + " Experiments.CRASHABLE");
            RunChecks.assertExactlyOneEventEach(log, config.generations());
            RunChecks.assertLineage(log);
            try (ArtifactStore store = store(restarted)) {
                RunChecks.assertObjectsVerify(log, store);
            }
            RunChecks.assertSameAsReference(log, reference.join());
        } finally {
            local.down(System.err);
        }
    }

    private static ArtifactStore store(StackConnection connection) {
        return new ArtifactStore(new S3Settings(connection.s3Endpoint(), connection.s3AccessKey(),
                connection.s3SecretKey(), connection.bucket(), connection.s3Region()));
    }
}
