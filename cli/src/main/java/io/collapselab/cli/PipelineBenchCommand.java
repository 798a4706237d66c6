package io.collapselab.cli;

import io.collapselab.cli.local.LocalProcesses;
import io.collapselab.cli.runs.RunListener;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.RunCompleted;
import io.collapselab.experiment.ExperimentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code collapse bench pipeline}: how much of a generation's wall time the distribution costs on the embedded
 * system, i.e. everything that is not the language model's own work (S3 transfers and digests, the object outbox,
 * Kafka hand-offs, waiting for a worker).
 *
 * <p>A generation's critical path runs from one checkpoint to the next: the generator samples from checkpoint g,
 * the trainer trains g+1 on that corpus; the evaluator works beside them. Its wall time is taken from the event log
 * (the mean interval between consecutive {@code CheckpointPublished} events from generation 1 on, since generation
 * 0 pretrains), its compute from the services' own metrics (handling time minus overhead, see
 * {@code PipelineMetrics}) over the same stretch of the run ({@link Window}). Warm-up runs come first, so that the
 * numbers describe a running system rather than JVMs that are still compiling.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Measures the pipeline overhead on the embedded system: runs the experiment (default: the "
                + "demo preset) after warm-up runs and prints, per generation, the wall time of the critical path "
                + "(checkpoint to checkpoint), the training and sampling compute in it, and the rest: S3, the "
                + "outbox, Kafka and waiting.",
                "Starts the embedded stack and services if they are not running (and stops them afterwards)."})
final class PipelineBenchCommand implements Callable<Integer> {

    private static final Pattern METRIC = Pattern.compile(
            "^collapse_(generation_duration|pipeline_overhead)_seconds_(sum|count)\\{([^}]*)}\\s+(\\S+)$");
    private static final Pattern EVENT_LABEL = Pattern.compile("event=\"([^\"]+)\"");
    private static final String CHECKPOINT = "CheckpointPublished";
    private static final String CORPUS = "CorpusGenerated";
    private static final Duration RECORDING_WAIT = Duration.ofSeconds(30);

    @Mixin
    ExperimentOptions experiment;

    @Mixin
    DataOptions data;

    @Mixin
    StateOptions state;

    @Mixin
    ThreadOptions threads;

    @Option(names = "--warm-up-runs", paramLabel = "N", defaultValue = "1",
            description = "Runs of the same experiment before the measured one (default: ${DEFAULT-VALUE}).")
    int warmUpRuns;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3",
            description = "Measured runs, one after the other; each is reported, then their mean (default: "
                    + "${DEFAULT-VALUE}).")
    int measuredRuns;

    /** The figures. */
    @Mixin
    JsonOutput json;

    @Option(names = "--timeout", paramLabel = "MINUTES", defaultValue = "60",
            description = "Give up on a run after this long (default: ${DEFAULT-VALUE}).")
    long timeoutMinutes;

    /** The figures of one measured run, per generation on the critical path, in milliseconds. */
    record PipelineFigures(String runId, int generationsMeasured, double wallMs, double samplingMs,
                           double trainingMs, double overheadMs, double overheadShare, double generatorOverheadMs,
                           double trainerOverheadMs, double handOffMs, double evaluatorMs) {

        /** The mean of each figure over several runs; the share is that of the mean overhead in the mean wall time. */
        static PipelineFigures mean(List<PipelineFigures> runs) {
            double wall = mean(runs, PipelineFigures::wallMs);
            double overhead = mean(runs, PipelineFigures::overheadMs);
            return new PipelineFigures("mean", runs.stream().mapToInt(PipelineFigures::generationsMeasured).sum(),
                    wall, mean(runs, PipelineFigures::samplingMs), mean(runs, PipelineFigures::trainingMs), overhead,
                    overhead / wall, mean(runs, PipelineFigures::generatorOverheadMs),
                    mean(runs, PipelineFigures::trainerOverheadMs), mean(runs, PipelineFigures::handOffMs),
                    mean(runs, PipelineFigures::evaluatorMs));
        }

        private static double mean(List<PipelineFigures> runs, ToDoubleFunction<PipelineFigures> figure) {
            return runs.stream().mapToDouble(figure).average().orElse(Double.NaN);
        }
    }

    /** What {@code --json} prints and {@code --json-file} writes. */
    record PipelineBenchmark(int warmUpRuns, List<PipelineFigures> runs, PipelineFigures mean) {
    }

    @Override
    public Integer call() throws IOException {
        if (warmUpRuns < 0) {
            throw new UsageError("--warm-up-runs must be 0 or more, was " + warmUpRuns);
        }
        if (measuredRuns < 1) {
            throw new UsageError("--runs must be 1 or more, was " + measuredRuns);
        }
        ExperimentConfig config = experiment.resolve("demo");
        if (config.generations() < 2) {
            throw new UsageError("measuring needs at least 2 self-trained generations (checkpoint to checkpoint "
                    + "after generation 1), the experiment has " + config.generations());
        }
        DataOptions.RealTexts texts = data.read();
        LocalProcesses local = state.processes();
        boolean wasRunning = !local.allStarted().isEmpty();
        return EmbeddedSystem.run(local, threads.count(), !wasRunning, cluster -> {
            List<SweepOptions.Variant> variant = List.of(new SweepOptions.Variant(config.name(), config,
                    experiment.baseModel(config), null));
            Map<String, Meters> settled = meters(local);
            for (int i = 1; i <= warmUpRuns; i++) {
                System.err.println("warm-up run " + i + " of " + warmUpRuns);
                RunLog log = complete(cluster, local, Submission.submit(cluster, variant, texts, null).get(0),
                        RunListener.NONE);
                settled = afterEvaluations(local, settled, log);
            }
            List<PipelineFigures> runs = new ArrayList<>();
            for (int i = 1; i <= measuredRuns; i++) {
                Window window = new Window(local, config.generations(), settled);
                String runId = Submission.submit(cluster, variant, texts, null).get(0);
                System.err.println("measured run " + i + " of " + measuredRuns + ": " + runId);
                RunLog log = complete(cluster, local, runId, window);
                settled = afterEvaluations(local, settled, log);
                runs.add(window.figures(log, settled));
            }
            PipelineBenchmark benchmark = new PipelineBenchmark(warmUpRuns, runs, PipelineFigures.mean(runs));
            print(benchmark, json.forPeople());
            json.write(benchmark);
            return CollapseMain.OK;
        });
    }

    private RunLog complete(ClusterOptions.Cluster cluster, LocalProcesses local, String runId,
                            RunListener listener) {
        RunLog log = RunResults.follow(cluster, List.of(runId), Duration.ofMinutes(timeoutMinutes), System.err,
                local::serviceProblems, listener).get(runId);
        RunCompleted.Reason reason = log.completion().map(RunCompleted::reason).orElse(RunCompleted.Reason.FAILED);
        if (!reason.isNormalEnd()) {
            throw new IllegalStateException("run " + runId + " ended " + log.status() + ": "
                    + log.completion().map(c -> c.detail()).orElse("no detail"));
        }
        return log;
    }

    /**
     * The meters once the evaluator has recorded its evaluations of every generation of a completed run. It
     * publishes {@code RunCompleted} before recording the last one, and it runs at a lower priority than the
     * services on the critical path, so it may still be behind when the run's last event is read.
     */
    private static Map<String, Meters> afterEvaluations(LocalProcesses local, Map<String, Meters> before,
                                                        RunLog log) {
        int evaluated = (int) log.generations().stream().filter(g -> g.evaluation() != null).count();
        return awaitRecorded(local, before, "evaluator", List.of(CHECKPOINT, CORPUS), evaluated,
                "evaluations of run " + log.runId());
    }

    /** The meters once {@code service} has recorded {@code count} handled events of each of {@code events}. */
    private static Map<String, Meters> awaitRecorded(LocalProcesses local, Map<String, Meters> since, String service,
                                                     List<String> events, int count, String what) {
        long deadline = System.nanoTime() + RECORDING_WAIT.toNanos();
        while (true) {
            Map<String, Meters> now = meters(local);
            Meters recorded = now.get(service).minus(since.get(service));
            if (events.stream().allMatch(event -> recorded.count(event) >= count)) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the " + service + " had not recorded the " + count + " " + what
                        + " " + RECORDING_WAIT.toSeconds() + " s after they were published; was another run"
                        + " submitted meanwhile?");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the services' metrics", e);
            }
        }
    }

    /**
     * The services' meters at the two ends of the measured stretch of a run: when {@code CheckpointPublished(1)}
     * appears and when {@code CheckpointPublished(G)} does. In between, the generator samples generations 1..G-1 and
     * the trainer trains 2..G, exactly the work of the G-1 intervals between those two events. A service records a
     * handled event's meters just after publishing its output, so each snapshot waits until the trainer has recorded
     * the training that produced the checkpoint just seen.
     */
    static final class Window implements RunListener {

        private final LocalProcesses local;
        private final int lastGeneration;
        private final Map<String, Meters> base;
        private Map<String, Meters> start;
        private Map<String, Meters> end;

        /** {@code base}: the meters before the run was submitted, with everything earlier recorded. */
        Window(LocalProcesses local, int lastGeneration, Map<String, Meters> base) {
            this.local = local;
            this.lastGeneration = lastGeneration;
            this.base = base;
        }

        @Override
        public void onEvent(CollapseEvent event) {
            if (event instanceof CheckpointPublished checkpoint) {
                if (checkpoint.generation() == 1) {
                    start = snapshotAfterTrainings(1);
                } else if (checkpoint.generation() == lastGeneration) {
                    end = snapshotAfterTrainings(lastGeneration);
                }
            }
        }

        /** The meters once the trainer has recorded {@code trainings} handled corpora of this run. */
        private Map<String, Meters> snapshotAfterTrainings(int trainings) {
            return awaitRecorded(local, base, "trainer", List.of(CORPUS), trainings,
                    "trainings of the measured run up to checkpoint " + trainings);
        }

        /**
         * {@code finished}: the meters once the run's evaluations are all recorded. The evaluator's figure is its
         * mean over the whole run: it works beside the critical path and, running at a lower priority, may finish
         * none of its work between the two ends of the window.
         */
        PipelineFigures figures(RunLog log, Map<String, Meters> finished) {
            if (start == null || end == null) {
                throw new IllegalStateException("run " + log.runId() + " ended (" + log.status() + ") before"
                        + " checkpoint " + lastGeneration + "; measuring needs a run that reaches its last generation");
            }
            int intervals = lastGeneration - 1;
            double wallMs = Duration.between(checkpoint(log, 1).occurredAt(),
                    checkpoint(log, lastGeneration).occurredAt()).toNanos() / 1e6 / intervals;
            Meters trainer = end.get("trainer").minus(start.get("trainer"));
            Meters generator = end.get("generator").minus(start.get("generator"));
            Meters evaluator = finished.get("evaluator").minus(base.get("evaluator"));
            // By the time the meters are read, the generator may have sampled the last checkpoint too, and the
            // trainer may have handled the last corpus (which trains nothing: the run has no further generation).
            if (trainer.count(CORPUS) < intervals || trainer.count(CORPUS) > intervals + 1
                    || generator.count(CHECKPOINT) < intervals || generator.count(CHECKPOINT) > intervals + 1) {
                throw new IllegalStateException("the services handled other work while run " + log.runId()
                        + " was measured (" + (long) trainer.count(CORPUS) + " trainings and "
                        + (long) generator.count(CHECKPOINT) + " samplings where the run had " + intervals
                        + "); let other runs finish first (collapse runs) or use a fresh --state-dir");
            }
            double trainingMs = trainer.computeMs(CORPUS) / intervals;
            double samplingMs = generator.computeMs(CHECKPOINT) / generator.count(CHECKPOINT);
            double trainerOverheadMs = trainer.overheadMs(CORPUS) / intervals;
            double generatorOverheadMs = generator.overheadMs(CHECKPOINT) / generator.count(CHECKPOINT);
            double overheadMs = wallMs - trainingMs - samplingMs;
            return new PipelineFigures(log.runId(), intervals, wallMs, samplingMs, trainingMs, overheadMs,
                    overheadMs / wallMs, generatorOverheadMs, trainerOverheadMs,
                    overheadMs - generatorOverheadMs - trainerOverheadMs,
                    evaluator.durationMs(CHECKPOINT) / evaluator.count(CHECKPOINT)
                            + evaluator.durationMs(CORPUS) / evaluator.count(CORPUS));
        }
    }

    private static CheckpointPublished checkpoint(RunLog log, int generation) {
        return log.generation(generation).map(RunLog.Generation::checkpoint).orElseThrow(() ->
                new IllegalStateException("run " + log.runId() + " has no CheckpointPublished for generation "
                        + generation + " in the event log"));
    }

    static void print(PipelineBenchmark benchmark, PrintStream out) {
        out.printf(Locale.ROOT, "Pipeline overhead per generation, in ms: the wall time from one checkpoint to the"
                + " next, the compute in it and the rest (after %d warm-up run%s).%n", benchmark.warmUpRuns(),
                benchmark.warmUpRuns() == 1 ? "" : "s");
        out.println("  overhead = wall - sampling - training = generator's + trainer's handling + between the"
                + " services (Kafka delivery, waiting); the evaluator works beside the critical path.");
        String format = "%-28s %5s %7s %9s %9s %9s %6s %10s %8s %8s %10s%n";
        out.printf(Locale.ROOT, format, "run", "gens", "wall", "sampling", "training", "overhead", "share",
                "generator", "trainer", "between", "evaluator");
        for (PipelineFigures run : benchmark.runs()) {
            row(out, format, run);
        }
        if (benchmark.runs().size() > 1) {
            row(out, format, benchmark.mean());
        }
    }

    private static void row(PrintStream out, String format, PipelineFigures f) {
        out.printf(Locale.ROOT, format, f.runId(), f.generationsMeasured(), ms(f.wallMs()), ms(f.samplingMs()),
                ms(f.trainingMs()), ms(f.overheadMs()), String.format(Locale.ROOT, "%.1f%%", 100 * f.overheadShare()),
                ms(f.generatorOverheadMs()), ms(f.trainerOverheadMs()), ms(f.handOffMs()), ms(f.evaluatorMs()));
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static Map<String, Meters> meters(LocalProcesses local) {
        Map<String, Meters> meters = new HashMap<>();
        for (String service : LocalProcesses.SERVICES) {
            meters.put(service, Meters.parse(local.metrics(service)));
        }
        return meters;
    }

    /**
     * The sums and counts of a service's {@code collapse_generation_duration_seconds} and
     * {@code collapse_pipeline_overhead_seconds} timers (sums in seconds), by handled event type.
     */
    record Meters(Map<String, Double> values) {

        static Meters parse(String prometheusText) {
            Map<String, Double> values = new HashMap<>();
            for (String line : prometheusText.split("\n")) {
                Matcher metric = METRIC.matcher(line.strip());
                if (metric.matches()) {
                    Matcher event = EVENT_LABEL.matcher(metric.group(3));
                    if (event.find()) {
                        values.merge(metric.group(1) + "_" + metric.group(2) + "/" + event.group(1),
                                Double.parseDouble(metric.group(4)), Double::sum);
                    }
                }
            }
            return new Meters(values);
        }

        Meters minus(Meters earlier) {
            Map<String, Double> difference = new HashMap<>(values);
            earlier.values.forEach((key, value) -> difference.merge(key, -value, Double::sum));
            return new Meters(difference);
        }

        /** How many events of the type were handled. */
        double count(String event) {
            return values.getOrDefault("generation_duration_count/" + event, 0.0);
        }

        double durationMs(String event) {
            return 1000 * values.getOrDefault("generation_duration_sum/" + event, 0.0);
        }

        double overheadMs(String event) {
            return 1000 * values.getOrDefault("pipeline_overhead_sum/" + event, 0.0);
        }

        double computeMs(String event) {
            return durationMs(event) - overheadMs(event);
        }
    }
}
