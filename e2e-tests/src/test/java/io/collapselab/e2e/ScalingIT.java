package io.collapselab.e2e;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.cli.RunJson;
import io.collapselab.cli.runs.RunIds;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.events.CollapseEvent;
import io.collapselab.experiment.ExperimentConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two replicas of every service, each service's replicas in its consumer group, carrying four runs at once; one
 * trainer replica and one generator replica are killed with SIGKILL while they compute a generation and are not
 * started again. The surviving replicas take over the dead ones' partitions and redo the interrupted work: every run
 * completes with exactly one checkpoint, corpus and evaluation per generation, and with the digests of an
 * undisturbed run ({@code collapse loop}).
 */
class ScalingIT {

    /**
     * The replicas' consumer session: a replica killed without leaving its group keeps its partitions until this
     * runs out. Kafka's 45 s default would make the test wait that long per kill; 6 s is the broker's minimum
     * ({@code group.min.session.timeout.ms}), with heartbeats well inside it.
     */
    private static final Map<String, String> SHORT_CONSUMER_SESSION = Map.of(
            "mp.messaging.connector.smallrye-kafka.session.timeout.ms", "6000",
            "mp.messaging.connector.smallrye-kafka.heartbeat.interval.ms", "1000");

    private static final int RUNS = 4;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    /** A phase of a generation as the services' progress log names it: {@code Run R generation G: PHASE D/T}. */
    private static final Pattern PROGRESS = Pattern.compile("Run (\\S+) generation (\\d+): (\\w+) (\\d+)/(\\d+) ");

    @RegisterExtension
    static PipelineExtension extension = new PipelineExtension(new Pipeline.Setup(false, SHORT_CONSUMER_SESSION,
            Map.of(Service.TRAINER, 2, Service.GENERATOR, 2, Service.EVALUATOR, 2)));

    /** Work a replica has begun and not finished, seen in its log. */
    private record WorkInProgress(int replica, String runId, int generation) {
    }

    @Test
    void fourRunsOnTwoReplicasOfEachServiceEndAsIfUndisturbedWhenATrainerAndAGeneratorDieMidGeneration(
            Pipeline pipeline) {
        // One self-trained generation: the kills need one training and one sampling to interrupt, not more. Each
        // config its own name, as its reference's files are kept under it.
        ExperimentConfig first = Experiments.CRASHABLE.withGenerations(1).withName("smoke-scaling-a");
        ExperimentConfig second = first.withSeed(first.seed() + 1).withName("smoke-scaling-b");
        Map<String, ExperimentConfig> runs = new LinkedHashMap<>();
        for (int run = 0; run < RUNS; run++) {
            runs.put(RunIds.fresh("e2e-scaling-" + run), run % 2 == 0 ? first : second);
        }
        Map<ExperimentConfig, CompletableFuture<RunJson>> references = Map.of(
                first, Experiments.startReference(first), second, Experiments.startReference(second));
        Experiments.Texts texts = Experiments.texts();

        runs.forEach((runId, config) -> pipeline.submitter().submit(runId, config, texts.train(), texts.heldout()));
        Map<String, RunLog> logs;
        try (RunObserver observer = pipeline.observer()) {
            // Self-training (generation 1 on) is the trainer's long phase; its pretraining is over in a moment.
            WorkInProgress training = killMidWork(pipeline, observer, Service.TRAINER, "train", 1,
                    g -> g.checkpoint() != null, "CheckpointPublished", runs.keySet());
            WorkInProgress sampling = killMidWork(pipeline, observer, Service.GENERATOR, "sample", 0,
                    g -> g.corpus() != null, "CorpusGenerated", runs.keySet());
            logs = observer.awaitCompletion(runs.keySet(), PipelineIT.RUN_TIMEOUT, ProgressLog::new);

            assertTakenOverBy(pipeline, Service.TRAINER, training, logs, g -> g.checkpoint());
            assertTakenOverBy(pipeline, Service.GENERATOR, sampling, logs, g -> g.corpus());
        }

        runs.forEach((runId, config) -> {
            RunLog log = logs.get(runId);
            RunChecks.assertExactlyOneEventEach(log, config.generations());
            RunChecks.assertLineage(log);
            RunChecks.assertObjectsVerify(log, pipeline.store());
            RunChecks.assertSameAsReference(log, references.get(config).join());
        });
    }

    /**
     * Waits until a replica of {@code service} logs that it has begun {@code phase} of a generation (at least
     * {@code fromGeneration}) of one of the runs and not finished it, kills that replica, and checks that the
     * generation's result was indeed not published: the kill interrupted work.
     */
    private static WorkInProgress killMidWork(Pipeline pipeline, RunObserver observer, Service service, String phase,
                                              int fromGeneration, Predicate<RunLog.Generation> published,
                                              String result, Set<String> runIds) {
        WorkInProgress work = awaitWorkInProgress(pipeline, service, phase, fromGeneration);
        assertTrue(runIds.contains(work.runId()), "work of a run this test did not submit: " + work);
        pipeline.kill(service, work.replica());
        RunLog atKill = observer.read(work.runId(), Duration.ofSeconds(30));
        assertTrue(atKill.generation(work.generation()).map(g -> !published.test(g)).orElse(true),
                pipeline.process(service, work.replica()).name() + " had already published " + result + "("
                        + work.generation() + ") of " + work.runId() + " when it was killed, so the kill interrupted"
                        + " nothing; lengthen that phase in Experiments.CRASHABLE. " + atKill.describe());
        return work;
    }

    /** The interrupted generation's result came from a replica that is still alive, not from the one killed. */
    private static void assertTakenOverBy(Pipeline pipeline, Service service, WorkInProgress killed,
                                          Map<String, RunLog> logs,
                                          Function<RunLog.Generation, CollapseEvent> result) {
        CollapseEvent redone = logs.get(killed.runId()).generation(killed.generation()).map(result).orElseThrow();
        String killedInstance = service.module() + "-" + killed.replica();
        assertNotEquals(killedInstance, redone.producer().instance(),
                "generation " + killed.generation() + " of " + killed.runId() + " was interrupted on "
                        + killedInstance + ", which stayed dead");
        assertTrue(redone.producer().instance().startsWith(service.module() + "-"), redone.producer().toString());
        assertTrue(pipeline.replicas(service).stream().anyMatch(ServiceProcess::isAlive),
                "a replica of " + service.module() + " is alive");
    }

    /**
     * Polls the replicas' logs for a phase whose latest progress line counts fewer done than total: begun and not
     * yet finished.
     */
    private static WorkInProgress awaitWorkInProgress(Pipeline pipeline, Service service, String phase,
                                                      int fromGeneration) {
        long deadline = System.nanoTime() + PipelineIT.RUN_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            List<ServiceProcess> replicas = pipeline.replicas(service);
            for (int replica = 1; replica <= replicas.size(); replica++) {
                Optional<WorkInProgress> work = workInProgress(replicas.get(replica - 1), replica, phase,
                        fromGeneration);
                if (work.isPresent()) {
                    return work.get();
                }
            }
            sleep(POLL_INTERVAL);
        }
        throw new AssertionError("no replica of " + service.module() + " logged a " + phase + " phase in progress"
                + " within " + PipelineIT.RUN_TIMEOUT.toSeconds() + " s");
    }

    private static Optional<WorkInProgress> workInProgress(ServiceProcess process, int replica, String phase,
                                                           int fromGeneration) {
        if (!process.isAlive()) {
            return Optional.empty();
        }
        Map<String, WorkInProgress> started = new LinkedHashMap<>();
        Map<String, Boolean> finished = new HashMap<>();
        for (String line : readLines(process)) {
            Matcher progress = PROGRESS.matcher(line);
            if (progress.find() && progress.group(3).equals(phase)) {
                int generation = Integer.parseInt(progress.group(2));
                if (generation >= fromGeneration) {
                    String key = progress.group(1) + "/" + generation;
                    started.putIfAbsent(key, new WorkInProgress(replica, progress.group(1), generation));
                    finished.put(key, Long.parseLong(progress.group(4)) >= Long.parseLong(progress.group(5)));
                }
            }
        }
        return started.entrySet().stream()
                .filter(entry -> !finished.get(entry.getKey()))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    /** The log as it stands; the process may be in the middle of a line, or of a character. */
    private static List<String> readLines(ServiceProcess process) {
        try {
            return new String(Files.readAllBytes(process.logFile()), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + process.logFile(), e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
