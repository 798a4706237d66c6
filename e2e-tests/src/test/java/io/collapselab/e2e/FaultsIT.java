package io.collapselab.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.artifacts.ObjectKey;
import io.collapselab.artifacts.S3Settings;
import io.collapselab.artifacts.StoredObject;
import io.collapselab.cli.RunJson;
import io.collapselab.cli.runs.RunIds;
import io.collapselab.cli.runs.RunListener;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.experiment.ExperimentConfig;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults of the object store and the broker in the middle of a run, checked as Kafka's transactions test checks
 * its runs: the run completes with no generation lost, none applied twice (one event, hence one checkpoint, corpus
 * and evaluation, per generation), every object verifying against its digest, each topic's events in order, and
 * the digests and metrics of an undisturbed run ({@code collapse loop}, the reference).
 *
 * <p>The services reach S3 through an {@link S3FaultProxy} that each test switches faults on and off in; the
 * test's own client reads the server directly. Their Kafka consumers have a 6 s session timeout (the broker's
 * smallest), so that a broker outage of 15 s outlasts every session. Their back-off between attempts at a
 * failed generation is capped at 4 s instead of 30 s, so that a run resumes within seconds of the fault's end.
 *
 * <p>The full disk is the store's real answer, injected: a small filesystem would need a mount, which a build
 * cannot make. S3Proxy's filesystem backend, writing onto a full tmpfs, answers a write with {@code 500 Server
 * Error} and an {@code InternalError} document and closes the connection, having deleted its temporary file;
 * the proxy answers every write with exactly that while the disk is "full". What the injection cannot show is the
 * backend's temporary file ({@code <key>-<uuid>}, beside the object), which S3Proxy lists while a real write is
 * under way; no service finds objects by listing, and the audit's listing skips names outside the layout.
 */
class FaultsIT {

    private static final ExperimentConfig CONFIG = Experiments.SMOKE.withName("smoke-faults").withGenerations(1);
    private static final Duration S3_OUTAGE = Duration.ofSeconds(30);
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
    private static final Duration BROKER_OUTAGE = Duration.ofSeconds(15);
    private static final Duration FAULT_SEEN_WITHIN = Duration.ofSeconds(90);
    private static final Pattern S3_RETRIES = Pattern.compile(
            "^collapse_work_retried_total\\{[^}]*unreachable=\"s3\"[^}]*} ([0-9.Ee+-]+)$", Pattern.MULTILINE);

    @RegisterExtension
    static PipelineExtension extension = new PipelineExtension(new Pipeline.Setup(true, Map.of(
            "mp.messaging.connector.smallrye-kafka.session.timeout.ms",
            Long.toString(SESSION_TIMEOUT.toMillis()),
            "mp.messaging.connector.smallrye-kafka.heartbeat.interval.ms", "2000",
            "collapse.retry.max-backoff", "PT4S")));

    /**
     * S3 answers no connection for 30 s once checkpoint 0 is out, while the generator samples from it and the
     * evaluator measures it: the services' S3 readiness goes down and comes back, their work waits and resumes,
     * and what they log about it names no credential.
     */
    @Test
    void anS3ServerDownForThirtySecondsIsWaitedForAndTheRunEndsAsIfUndisturbed(Pipeline pipeline) {
        S3FaultProxy proxy = pipeline.faultProxy();
        ServiceProcess generator = pipeline.process(Service.GENERATOR);
        String runId = RunIds.fresh("e2e-s3-outage");
        CompletableFuture<RunJson> reference = Experiments.startReference(CONFIG);
        double retriesBefore = s3Retries(pipeline);

        submit(pipeline, runId);
        RunLog log;
        try (RunObserver observer = pipeline.observer()) {
            awaitCheckpointZero(observer, runId);
            long stopped = System.nanoTime();
            proxy.stopAnswering();
            awaitTrue(() -> generator.readiness() == 503, Duration.ofSeconds(20),
                    "the generator's readiness to go down while S3 does not answer");
            sleep(Duration.ofNanos(stopped + S3_OUTAGE.toNanos() - System.nanoTime()));
            assertFalse(observer.read(runId, Duration.ofSeconds(30)).isComplete(), "the run ended within the outage,"
                    + " so the outage interrupted nothing");
            proxy.answerAgain();
            awaitTrue(() -> generator.readiness() == 200, Duration.ofSeconds(30),
                    "the generator's readiness to come back with S3");
            log = observer.awaitCompletion(runId, PipelineIT.RUN_TIMEOUT, new ProgressLog(runId));
        }

        assertAsIfUndisturbed(pipeline, log, reference.join());
        assertTrue(s3Retries(pipeline) > retriesBefore,
                "no service retried its work after the store's own retries ran out");
        assertFalse(anyLogContains(pipeline, pipeline.store().settings().secretKey()),
                "a service logged the S3 secret key while retrying");
    }

    /**
     * Every request to S3 takes a second longer, and a fifth of them fail, half before the server saw them
     * ({@code 503 SlowDown}), half after it carried them out ({@code 500 InternalError}, the write done but its
     * answer lost): the retries change nothing of the run.
     */
    @Test
    void aSlowS3ServerFailingAShareOfRequestsChangesNothingOfTheRun(Pipeline pipeline) {
        S3FaultProxy proxy = pipeline.faultProxy();
        String runId = RunIds.fresh("e2e-s3-flaky");
        CompletableFuture<RunJson> reference = Experiments.startReference(CONFIG);

        proxy.delay(Duration.ofSeconds(1));
        proxy.failShare(0.2);
        submit(pipeline, runId);
        RunLog log;
        try (RunObserver observer = pipeline.observer()) {
            log = observer.awaitCompletion(runId, PipelineIT.RUN_TIMEOUT, new ProgressLog(runId));
        }
        proxy.heal();

        assertTrue(proxy.failedRequests() > 0, "no request failed: " + proxy.relayedRequests() + " relayed");
        assertAsIfUndisturbed(pipeline, log, reference.join());
    }

    /**
     * The broker (with the whole stack) stops for 15 s, longer than the services' 6 s consumer sessions, once
     * checkpoint 0 is out: the consumers' groups are rejoined, work in flight is redelivered or resumed, and no
     * generation is lost or applied twice.
     */
    @Test
    void aBrokerStoppedForLongerThanTheSessionTimeoutLosesAndRepeatsNothing(Pipeline pipeline) {
        String runId = RunIds.fresh("e2e-broker-outage");
        CompletableFuture<RunJson> reference = Experiments.startReference(CONFIG);

        submit(pipeline, runId);
        try (RunObserver observer = pipeline.observer()) {
            awaitCheckpointZero(observer, runId);
        }
        pipeline.stopStackFor(BROKER_OUTAGE);
        RunLog log;
        try (RunObserver observer = pipeline.observer()) {
            log = observer.awaitCompletion(runId, PipelineIT.RUN_TIMEOUT, new ProgressLog(runId));
        }

        RunChecks.assertExactlyOneEventEach(log, CONFIG.generations());
        RunChecks.assertLineage(log);
        RunChecks.assertObjectsVerify(log, pipeline.store());
        RunChecks.assertOrderedPerRun(log);
        RunChecks.assertSameAsReference(log, reference.join());
        assertEveryListedObjectVerifies(pipeline, runId);
    }

    /**
     * The store's disk fills up once checkpoint 0 is out: the writes of that generation fail with the store's
     * error, which the services log and count while they wait; nothing partial is ever listed; once space is
     * back the run resumes and ends as if undisturbed.
     */
    @Test
    void aFullDiskFailsTheGenerationsWritesVisiblyAndTheRunResumesOnceThereIsSpace(Pipeline pipeline) {
        S3FaultProxy proxy = pipeline.faultProxy();
        String runId = RunIds.fresh("e2e-disk-full");
        CompletableFuture<RunJson> reference = Experiments.startReference(CONFIG);
        double retriesBefore = s3Retries(pipeline);

        submit(pipeline, runId);
        RunLog log;
        try (RunObserver observer = pipeline.observer()) {
            awaitCheckpointZero(observer, runId);
            proxy.fillDisk(true);
            awaitTrue(() -> s3Retries(pipeline) > retriesBefore, FAULT_SEEN_WITHIN,
                    "a service to count a generation's write that failed on the full disk");
            assertTrue(proxy.refusedWrites() > 0);
            assertTrue(anyLogContains(pipeline, "An internal error occurred. Try again."),
                    "no service logged the store's error");
            RunLog whileFull = observer.read(runId, Duration.ofSeconds(30));
            assertTrue(whileFull.completion().isEmpty(), "the run ended on a full disk: " + whileFull.describe());
            assertEveryListedObjectVerifies(pipeline, runId);
            proxy.fillDisk(false);
            log = observer.awaitCompletion(runId, PipelineIT.RUN_TIMEOUT, new ProgressLog(runId));
        }

        assertAsIfUndisturbed(pipeline, log, reference.join());
    }

    private static void submit(Pipeline pipeline, String runId) {
        Experiments.Texts texts = Experiments.texts();
        pipeline.submitter().submit(runId, CONFIG, texts.train(), texts.heldout());
    }

    private static void awaitCheckpointZero(RunObserver observer, String runId) {
        observer.await(runId, "CheckpointPublished(0)",
                log -> log.generation(0).map(g -> g.checkpoint() != null).orElse(false), PipelineIT.RUN_TIMEOUT,
                RunListener.NONE);
    }

    /**
     * No generation lost, none applied twice (exactly one record of each event), objects verifying, order per
     * run, the reference's digests, and nothing listed under the run that is not a whole object.
     */
    private static void assertAsIfUndisturbed(Pipeline pipeline, RunLog log, RunJson reference) {
        RunChecks.assertExactlyOnce(log, CONFIG.generations());
        RunChecks.assertLineage(log);
        RunChecks.assertObjectsVerify(log, pipeline.store());
        RunChecks.assertOrderedPerRun(log);
        RunChecks.assertSameAsReference(log, reference);
        assertEveryListedObjectVerifies(pipeline, log.runId());
    }

    /**
     * Everything the bucket lists under the run, as S3 clients see it (not filtered by the layout as
     * {@code ArtifactStore.list} is), is an object of the layout whose content matches the digest it was stored
     * with: no temporary or partial upload is visible.
     */
    private static void assertEveryListedObjectVerifies(Pipeline pipeline, String runId) {
        S3Settings s3 = pipeline.store().settings();
        List<String> names = new ArrayList<>();
        try (MinioClient client = MinioClient.builder().endpoint(s3.endpoint())
                .credentials(s3.accessKey(), s3.secretKey()).region(s3.region()).build()) {
            for (Result<Item> item : client.listObjects(ListObjectsArgs.builder().bucket(s3.bucket())
                    .prefix("runs/" + runId + "/").recursive(true).build())) {
                names.add(item.get().objectName());
            }
        } catch (Exception e) {
            throw new AssertionError("could not list the objects of run " + runId, e);
        }
        assertFalse(names.isEmpty(), "nothing stored for run " + runId);
        for (String name : names) {
            ObjectKey key = ObjectKey.parseUri("s3://" + s3.bucket() + "/" + name, s3.bucket());
            StoredObject stored = pipeline.store().stat(key).orElseThrow(() -> new AssertionError(name
                    + " is listed but has no metadata"));
            assertEquals(stored.size(), pipeline.store().get(key, stored.sha256()).length, "size of " + name);
        }
    }

    /** The services' retries of work that failed because S3 could not be reached, summed. */
    private static double s3Retries(Pipeline pipeline) {
        double total = 0;
        for (Service service : Service.values()) {
            Matcher retries = S3_RETRIES.matcher(pipeline.process(service).metrics());
            while (retries.find()) {
                total += Double.parseDouble(retries.group(1));
            }
        }
        return total;
    }

    private static boolean anyLogContains(Pipeline pipeline, String text) {
        for (Service service : Service.values()) {
            try {
                if (Files.readString(pipeline.process(service).logFile()).contains(text)) {
                    return true;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return false;
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout, String awaited) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited " + timeout.toSeconds() + " s for " + awaited);
            sleep(Duration.ofMillis(250));
        }
    }

    private static void sleep(Duration duration) {
        if (duration.isNegative()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
