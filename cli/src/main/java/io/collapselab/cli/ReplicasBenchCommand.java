package io.collapselab.cli;

import io.collapselab.cli.bench.BenchTable;
import io.collapselab.cli.local.LocalProcesses;
import io.collapselab.cli.local.Replicas;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.RunCompleted;
import io.collapselab.experiment.ExperimentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code collapse bench replicas}: what more replicas of the workers buy on the embedded system. The same batch of
 * concurrent runs goes through two configurations of the services, one replica of each and then the replicas asked
 * for, each on a fresh stack of its own, and the runs per hour of both are compared.
 *
 * <p>A configuration's wall time runs from the first {@code RunRequested} to the last {@code RunCompleted}, both
 * as the events record them, so it holds the work of the batch and nothing of the start-up of the processes.
 */
@Command(name = "replicas", mixinStandardHelpOptions = true,
        description = {"Measures the throughput of concurrent runs (default: 4 of the demo preset, seeds counting up) "
                + "with one replica of each service, then with the replicas asked for, each configuration on a "
                + "fresh embedded stack under --state-dir, and prints the runs per hour of both and their ratio.",
                "More replicas carry more runs at once only where there are cores for them: the load average is "
                        + "printed with the figures."})
final class ReplicasBenchCommand implements Callable<Integer> {

    private static final String WORK_DIR = "bench-replicas";

    @Mixin
    ExperimentOptions experiment;

    @Mixin
    DataOptions data;

    @Mixin
    StateOptions state;

    @Mixin
    ThreadOptions threads;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "4",
            description = "Runs submitted at once in each configuration (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--replicas", paramLabel = "SERVICE=N[,...]", defaultValue = "trainer=2,generator=2",
            description = "The configuration compared with one replica of each service, as for 'collapse up' "
                    + "(default: ${DEFAULT-VALUE}).")
    String replicas;

    /** The figures of both configurations. */
    @Mixin
    JsonOutput json;

    @Option(names = "--timeout", paramLabel = "MINUTES", defaultValue = "60",
            description = "Give up on a configuration after this long (default: ${DEFAULT-VALUE}).")
    long timeoutMinutes;

    /**
     * One configuration's figures.
     *
     * @param replicas       processes per service, as {@code --replicas} writes them
     * @param wallSeconds    from the first run's request to the last run's completion
     * @param runsPerHour    the batch's runs over that wall time
     * @param runIds         the batch's runs
     * @param workByInstance handled generations (checkpoints, corpora, evaluations published) per service
     *                       instance, by instance name: how the runs spread over the replicas
     */
    record Configuration(String replicas, double wallSeconds, double runsPerHour, List<String> runIds,
                         Map<String, Integer> workByInstance) {

        Configuration {
            runIds = List.copyOf(runIds);
            workByInstance = new TreeMap<>(workByInstance);
        }
    }

    /**
     * What {@code --json} prints and {@code --json-file} writes.
     *
     * @param ratio runs per hour of the second configuration over the first's
     */
    record ReplicasBenchmark(String experiment, int generations, int runs, int threads, int cores,
                             double loadAverageAtStart, double loadAverageAtEnd, List<Configuration> configurations,
                             double ratio) {
    }

    @Override
    public Integer call() throws IOException {
        if (runs < 1 || runs > 64) {
            throw new UsageError("--runs must be between 1 and 64, was " + runs);
        }
        Replicas scaled;
        try {
            scaled = Replicas.parse(replicas);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--replicas: " + e.getMessage());
        }
        ExperimentConfig config = experiment.resolve("demo");
        DataOptions.RealTexts texts = data.read();
        List<SweepOptions.Variant> batch = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            ExperimentConfig seeded = config.withSeed(config.seed() + run);
            batch.add(new SweepOptions.Variant(config.name() + "-replicas", seeded, experiment.baseModel(seeded),
                    null));
        }
        int threadCount = threads.count();
        int cores = Runtime.getRuntime().availableProcessors();
        double loadAtStart = BenchCommand.loadAverage();
        System.err.printf(Locale.ROOT, "bench replicas: %d concurrent runs of %s, services at %d thread(s); load "
                + "average %.2f on %d cores%n", runs, config.name(), threadCount, loadAtStart, cores);
        List<Configuration> configurations = new ArrayList<>();
        for (Replicas counts : List.of(Replicas.ONE_EACH, scaled)) {
            configurations.add(measure(counts, batch, texts, threadCount));
        }
        double ratio = configurations.get(1).runsPerHour() / configurations.get(0).runsPerHour();
        ReplicasBenchmark benchmark = new ReplicasBenchmark(config.name(), config.generations(), runs, threadCount,
                cores, loadAtStart, BenchCommand.loadAverage(), configurations, ratio);
        print(benchmark, json.forPeople());
        json.write(benchmark);
        return CollapseMain.OK;
    }

    /** One configuration on a fresh stack: start, submit the batch at once, follow it to its end, stop. */
    private Configuration measure(Replicas counts, List<SweepOptions.Variant> batch, DataOptions.RealTexts texts,
                                  int threadCount) throws IOException {
        String label = describe(counts);
        Path dir = state.stateDir.resolve(WORK_DIR).resolve(label.replace('=', '-').replace(',', '_'));
        LocalProcesses local = new LocalProcesses(dir, Path.of(System.getProperty(StateOptions.HOME_PROPERTY, ".")));
        if (!local.allStarted().isEmpty()) {
            throw new UsageError("processes of an earlier benchmark still run under " + dir + "; stop them with "
                    + "'collapse down --state-dir " + dir + "'");
        }
        deleteRecursively(dir);
        System.err.println("bench replicas: " + label + " in " + dir);
        try {
            ClusterOptions.Cluster cluster = ClusterOptions.Cluster.embedded(local.up(threadCount, counts,
                    System.err));
            List<String> ids = Submission.submit(cluster, batch, texts, null);
            Map<String, RunLog> logs = RunResults.follow(cluster, ids, Duration.ofMinutes(timeoutMinutes),
                    System.err, local::serviceProblems);
            for (RunLog log : logs.values()) {
                RunCompleted.Reason reason = log.completion().map(RunCompleted::reason)
                        .orElse(RunCompleted.Reason.FAILED);
                if (!reason.isNormalEnd()) {
                    throw new IllegalStateException("run " + log.runId() + " ended " + log.status() + ": "
                            + log.completion().map(RunCompleted::detail).orElse("no detail"));
                }
            }
            Instant first = logs.values().stream().map(log -> log.request().orElseThrow().occurredAt())
                    .min(Comparator.naturalOrder()).orElseThrow();
            Instant last = logs.values().stream().map(log -> log.completion().orElseThrow().occurredAt())
                    .max(Comparator.naturalOrder()).orElseThrow();
            double wallSeconds = Duration.between(first, last).toNanos() / 1e9;
            return new Configuration(label, wallSeconds, 3600 * ids.size() / wallSeconds, ids,
                    workByInstance(logs.values()));
        } catch (UsageError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage() + "; the services' logs are in " + local.logsDir(), e);
        } finally {
            local.down(System.err);
        }
    }

    /** {@code trainer=2,generator=2,evaluator=1}: every service, in the services' order. */
    static String describe(Replicas counts) {
        return LocalProcesses.SERVICES.stream()
                .map(service -> service + "=" + counts.names(service).size())
                .collect(Collectors.joining(","));
    }

    private static Map<String, Integer> workByInstance(Iterable<RunLog> logs) {
        Map<String, Integer> work = new TreeMap<>();
        for (RunLog log : logs) {
            for (RunLog.Generation generation : log.generations()) {
                Stream.<CollapseEvent>of(generation.checkpoint(), generation.corpus(), generation.evaluation())
                        .filter(event -> event != null)
                        .forEach(event -> work.merge(event.producer().instance(), 1, Integer::sum));
            }
        }
        return work;
    }

    static void print(ReplicasBenchmark benchmark, PrintStream out) {
        out.printf(Locale.ROOT, "Throughput of %d concurrent runs of %s (%d self-trained generations each), every "
                        + "service at %d thread(s), on %d cores:%n", benchmark.runs(), benchmark.experiment(),
                benchmark.generations(), benchmark.threads(), benchmark.cores());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"replicas", "wall (s)", "runs/h", "work per instance"});
        for (Configuration c : benchmark.configurations()) {
            rows.add(new String[] {c.replicas(), String.format(Locale.ROOT, "%.1f", c.wallSeconds()),
                String.format(Locale.ROOT, "%.1f", c.runsPerHour()), c.workByInstance().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))});
        }
        BenchTable.printColumns(out, rows);
        out.println("ratio: " + BenchTable.ratio(benchmark.ratio()) + " the runs per hour of "
                + benchmark.configurations().get(1).replicas() + " over " + benchmark.configurations().get(0)
                .replicas());
        out.println("wall: from the first RunRequested to the last RunCompleted; work per instance: checkpoints, "
                + "corpora and evaluations each service instance published");
        BenchTable.printLoad(out, benchmark.loadAverageAtStart(), benchmark.loadAverageAtEnd(), benchmark.cores());
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
