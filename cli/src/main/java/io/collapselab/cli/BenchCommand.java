package io.collapselab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.collapselab.cli.bench.BenchResults;
import io.collapselab.cli.bench.BenchTable;
import io.collapselab.cli.bench.BenchWorkers;
import io.collapselab.cli.bench.TorchReference;
import io.collapselab.cli.bench.TorchReferenceRunner;
import io.collapselab.lm.bench.Benchmark;
import io.collapselab.lm.bench.BenchmarkPlan;
import io.collapselab.lm.bench.BenchmarkResult;
import io.collapselab.lm.bench.ModelSize;
import io.collapselab.lm.data.TextFiles;
import io.collapselab.lm.data.Wikitext2;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code collapse bench}: training and sampling throughput of the GPT for a few sizes and thread counts, optionally
 * beside the same training step in PyTorch.
 *
 * <p>Each thread count and size runs in a worker JVM of its own ({@link BenchWorkers}): this command again, with the
 * hidden {@code --worker} flag; this process only launches, collects and prints ({@link BenchTable}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        subcommands = {PipelineBenchCommand.class, ReplicasBenchCommand.class, Gpt2BenchCommand.class,
                CheckpointIoBenchCommand.class},
        description = {"Measures training and sampling speed (tokens per second) of the GPT for a few model sizes, "
                + "each size and thread count in a JVM of its own, and optionally the same training step in PyTorch.",
                "Progress goes to standard error; the table to standard output. Timings are only as good as the "
                        + "machine is quiet: the load average is printed with them.",
                "'collapse bench pipeline' measures the distributed pipeline's overhead instead; 'collapse bench "
                        + "replicas' the runs per hour that more service replicas carry; 'collapse bench gpt2' one "
                        + "generation of the paper's experiment at GPT-2 shapes; 'collapse bench checkpoint-io' how "
                        + "fast checkpoints move to and from the S3 server."})
final class BenchCommand implements Callable<Integer> {

    private static final int SYNTHETIC_TEXT_BYTES = 1 << 20;
    private static final long SYNTHETIC_TEXT_SEED = 20_240_601L;

    @Option(names = "--threads", split = ",", paramLabel = "N", defaultValue = "1,2",
            description = "Intra-op thread counts to measure, one JVM each (default: ${DEFAULT-VALUE}).")
    List<Integer> threadCounts;

    @Option(names = "--sizes", split = ",", paramLabel = "SIZE", defaultValue = "small,medium,large",
            description = "Model sizes: small (2/2/64/64), medium (4/4/128/128), large (6/6/192/128) or "
                    + "LAYERS/HEADS/WIDTH/CONTEXT (default: ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--quick", description = "One short timed run per measurement: shows that everything works, "
            + "with rough numbers.")
    boolean quick;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Train on wikitext-2/test.txt in DIR instead of "
            + "pseudo-random bytes (a step costs the same whatever the text; this only makes that visible).")
    Path dataDir;

    /** Every measurement. */
    @Mixin
    JsonOutput json;

    @Option(names = "--torch-reference", description = "Also time the same training step in PyTorch ("
            + TorchReferenceRunner.SCRIPT + "), where the Python interpreter has torch.")
    boolean torchReference;

    @Option(names = "--python", paramLabel = "PYTHON", defaultValue = "python3",
            description = "Python interpreter for --torch-reference (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--verbose", description = "Print stack traces of failures.")
    boolean verbose;

    @Option(names = "--worker", hidden = true,
            description = "Measure in this process and print one JSON line per size (used by the command itself).")
    boolean worker;

    /** The training text and how to name it. */
    private record Text(String description, byte[] bytes) {
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<ModelSize> modelSizes = parseSizes();
        for (int count : threadCounts) {
            if (count < 1 || count > 1024) {
                throw new UsageError("--threads must be between 1 and 1024, was " + count);
            }
        }
        Text text = readText();
        if (worker) {
            measureHere(modelSizes, text);
        } else {
            measureAll(modelSizes, text);
        }
        return CollapseMain.OK;
    }

    private List<ModelSize> parseSizes() {
        List<ModelSize> parsed = new ArrayList<>();
        for (String size : sizes) {
            try {
                parsed.add(ModelSize.parse(size));
            } catch (IllegalArgumentException e) {
                throw new UsageError("--sizes: " + e.getMessage());
            }
        }
        return parsed;
    }

    private Text readText() {
        if (dataDir == null) {
            return new Text(String.format(Locale.ROOT, "pseudo-random bytes (%,d, fixed seed)", SYNTHETIC_TEXT_BYTES),
                    Benchmark.syntheticText(SYNTHETIC_TEXT_BYTES, SYNTHETIC_TEXT_SEED));
        }
        try {
            Path file = Wikitext2.locate(dataDir).trainText();
            return new Text(file.toString(), TextFiles.read(file, "training text", "--data-dir"));
        } catch (IOException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /** The same plan on both sides of a comparison: the engine's in the worker, PyTorch's in the reference. */
    private BenchmarkPlan plan(ModelSize size) {
        return BenchmarkPlan.forSize(size, Benchmark.BATCH_SIZE, quick);
    }

    /** Worker side: measure every size with this JVM's engine and report each result to the parent. */
    private void measureHere(List<ModelSize> modelSizes, Text text) throws JsonProcessingException {
        for (ModelSize size : modelSizes) {
            BenchmarkResult result = Benchmark.run(size, plan(size), text.bytes(),
                    line -> System.err.println("  " + line));
            BenchWorkers.report(result, System.out);
        }
    }

    /** Parent side: one worker JVM per thread count, the reference where asked for, then the table. */
    private void measureAll(List<ModelSize> modelSizes, Text text) throws IOException, InterruptedException {
        PrintStream err = System.err;
        double loadAtStart = loadAverage();
        int cores = Runtime.getRuntime().availableProcessors();
        err.printf(Locale.ROOT, "bench: sizes %s, threads %s, %s plan; training text: %s; load average %.2f on %d "
                        + "cores%n", sizes, threadCounts, quick ? "quick" : "full", text.description(), loadAtStart,
                cores);
        TorchReferenceRunner.Lookup reference = TorchReferenceRunner.lookUp(torchReference, python, "bench", err);
        List<BenchmarkResult> results = new ArrayList<>();
        List<TorchReference> references = new ArrayList<>();
        // Each DJL measurement right before its PyTorch one: on a machine whose speed drifts (a shared virtual
        // machine), the two sides of a ratio then see the same conditions.
        for (int threads : threadCounts) {
            for (ModelSize size : modelSizes) {
                err.printf(Locale.ROOT, "bench: %d thread(s), %s: DJL, in a JVM of its own%n", threads,
                        size.label());
                results.addAll(BenchWorkers.measure(threads, size.label(), workerCommandLine(size),
                        BenchmarkResult.class, BenchmarkResult::threads));
                if (reference.runner() != null) {
                    err.printf(Locale.ROOT, "bench: %d thread(s), %s: PyTorch reference%n", threads, size.label());
                    TorchReference measured = reference.runner().measure(threads, size, plan(size));
                    if (measured != null) {
                        references.add(measured);
                    }
                }
            }
        }
        BenchResults bench = new BenchResults(cores, loadAtStart, loadAverage(), quick, text.description(), results,
                references, reference.skipped());
        BenchTable.print(json.forPeople(), modelSizes, bench, torchReference);
        json.write(bench);
    }

    /** This command as a worker that measures {@code size}: the main class and the arguments after it. */
    private List<String> workerCommandLine(ModelSize size) {
        List<String> commandLine = new ArrayList<>(List.of(CollapseMain.class.getName(), "bench", "--worker",
                "--sizes", size.label()));
        if (quick) {
            commandLine.add("--quick");
        }
        if (dataDir != null) {
            commandLine.add("--data-dir");
            commandLine.add(dataDir.toAbsolutePath().toString());
        }
        return commandLine;
    }

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
