package io.collapselab.cli;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.collapselab.lm.ComputeEnvironment;
import io.collapselab.lm.bench.Benchmark;
import io.collapselab.lm.bench.BenchmarkPlan;
import io.collapselab.lm.bench.BenchmarkResult;
import io.collapselab.lm.bench.ModelSize;
import io.collapselab.lm.data.TextFiles;
import io.collapselab.lm.data.Wikitext2;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code collapse bench}: training and sampling throughput of the GPT for a few sizes and thread counts, optionally
 * beside the same training step in PyTorch.
 *
 * <p>The engine reads its intra-op thread count once, when it starts, so each thread count and size runs in a child
 * JVM (same Java, same class path, this command with the hidden {@code --worker} flag) that prints one JSON line;
 * this process only launches, collects and prints.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = PipelineBenchCommand.class,
        description = {"Measures training and sampling speed (tokens per second) of the GPT for a few model sizes, "
                + "each size and thread count in a JVM of its own, and optionally the same training step in PyTorch.",
                "Progress goes to standard error; the table to standard output. Timings are only as good as the "
                        + "machine is quiet: the load average is printed with them.",
                "'collapse bench pipeline' measures the distributed pipeline's overhead instead."})
final class BenchCommand implements Callable<Integer> {

    /** Marks the worker's result lines on its standard output, where a library might print too. */
    private static final String RESULT_MARKER = "collapse-bench-result ";
    private static final String REFERENCE_SCRIPT = "bench/torch_reference.py";
    /** How far above the CLI's jar (or classes directory) the repository root with the script can be. */
    private static final int SCRIPT_SEARCH_DEPTH = 4;
    private static final int SYNTHETIC_TEXT_BYTES = 1 << 20;
    private static final long SYNTHETIC_TEXT_SEED = 20_240_601L;
    /** System properties a worker JVM needs to find and load the engine the way this one does. */
    private static final Set<String> ENGINE_LOCATION_PROPERTIES = Set.of("DJL_CACHE_DIR", "ENGINE_CACHE_DIR");
    private static final String INTEROP_THREADS_PROPERTY = "ai.djl.pytorch.num_interop_threads";

    private static final ObjectMapper LINE_MAPPER = new ObjectMapper();
    private static final ObjectMapper FILE_MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every measurement as JSON.")
    Path json;

    @Option(names = "--torch-reference", description = "Also time the same training step in PyTorch ("
            + REFERENCE_SCRIPT + "), where the Python interpreter has torch.")
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

    /** What {@code bench/torch_reference.py} prints. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record TorchReference(String size, int threads, int batchSize, int warmupSteps, int stepsPerRepetition,
                          int repetitions, double trainTokensPerSecond, double matrixProductGflopsPerSecond,
                          String torch, String blas, String blasLibrary) {
    }

    /** The {@code --json} file. */
    record BenchJson(int cores, double loadAverageAtStart, double loadAverageAtEnd, boolean quick,
                     String trainingText, List<BenchmarkResult> results, List<TorchReference> torchReference,
                     String torchReferenceSkipped) {
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

    /** Worker side: measure every size with this JVM's engine and print each result as one marked JSON line. */
    private void measureHere(List<ModelSize> modelSizes, Text text) throws JsonProcessingException {
        for (ModelSize size : modelSizes) {
            BenchmarkPlan plan = BenchmarkPlan.forSize(size, Benchmark.BATCH_SIZE, quick);
            BenchmarkResult result = Benchmark.run(size, plan, text.bytes(), line -> System.err.println("  " + line));
            System.out.println(RESULT_MARKER + LINE_MAPPER.writeValueAsString(result));
            System.out.flush();
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
        Path script = null;
        String referenceSkipped = null;
        if (torchReference) {
            script = referenceScript();
            referenceSkipped = script == null
                    ? REFERENCE_SCRIPT + " was not found (run from the repository root)"
                    : torchMissing();
            if (referenceSkipped != null) {
                err.println("bench: PyTorch reference skipped: " + referenceSkipped);
            }
        }
        List<BenchmarkResult> results = new ArrayList<>();
        List<TorchReference> references = new ArrayList<>();
        // Each DJL measurement right before its PyTorch one: on a machine whose speed drifts (a shared virtual
        // machine), the two sides of a ratio then see the same conditions.
        for (int threads : threadCounts) {
            for (ModelSize size : modelSizes) {
                err.printf(Locale.ROOT, "bench: %d thread(s), %s: DJL, in a JVM of its own%n", threads,
                        size.label());
                results.addAll(runWorker(threads, size));
                if (torchReference && referenceSkipped == null) {
                    err.printf(Locale.ROOT, "bench: %d thread(s), %s: PyTorch reference%n", threads, size.label());
                    TorchReference reference = runReference(script, threads, size);
                    if (reference != null) {
                        references.add(reference);
                    }
                }
            }
        }
        double loadAtEnd = loadAverage();
        printTable(System.out, modelSizes, results, references);
        printNotes(System.out, results, references, referenceSkipped, loadAtStart, loadAtEnd, cores);
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            FILE_MAPPER.writeValue(json.toFile(), new BenchJson(cores, loadAtStart, loadAtEnd, quick,
                    text.description(), results, references, referenceSkipped));
            err.println("wrote " + json);
        }
    }

    private List<BenchmarkResult> runWorker(int threads, ModelSize size) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-D" + ThreadOptions.THREADS_PROPERTY + "=" + threads);
        command.add("-D" + INTEROP_THREADS_PROPERTY + "=1");
        System.getProperties().stringPropertyNames().stream()
                .filter(BenchCommand::passedToWorkers)
                .sorted()
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CollapseMain.class.getName());
        command.add("bench");
        command.add("--worker");
        command.add("--sizes");
        command.add(size.label());
        if (quick) {
            command.add("--quick");
        }
        if (dataDir != null) {
            command.add("--data-dir");
            command.add(dataDir.toAbsolutePath().toString());
        }
        List<BenchmarkResult> results = new ArrayList<>();
        int exitCode = runChild(command, line -> {
            if (line.startsWith(RESULT_MARKER)) {
                results.add(parse(line.substring(RESULT_MARKER.length()), BenchmarkResult.class));
            } else {
                System.err.println(line);
            }
        });
        if (exitCode != 0) {
            throw new IllegalStateException("the benchmark JVM for " + size.label() + " at " + threads
                    + " thread(s) failed with exit code "
                    + exitCode + "; its messages are above");
        }
        for (BenchmarkResult result : results) {
            if (result.threads() != threads) {
                throw new IllegalStateException("asked the engine for " + threads + " intra-op thread(s), it ran "
                        + result.threads() + "; the timings would be mislabelled");
            }
        }
        return results;
    }

    /** Only engine settings travel to workers; the thread settings are the worker's own. */
    private static boolean passedToWorkers(String property) {
        if (ENGINE_LOCATION_PROPERTIES.contains(property)) {
            return true;
        }
        return property.startsWith("ai.djl.") && !property.equals(ThreadOptions.THREADS_PROPERTY)
                && !property.equals(INTEROP_THREADS_PROPERTY);
    }

    /** The reference's result, or null (with the reason on standard error) when the script failed. */
    private TorchReference runReference(Path script, int threads, ModelSize size)
            throws IOException, InterruptedException {
        BenchmarkPlan plan = BenchmarkPlan.forSize(size, Benchmark.BATCH_SIZE, quick);
        List<String> command = List.of(python, script.toString(),
                "--threads", Integer.toString(threads),
                "--size", size.label(),
                "--batch", Integer.toString(Benchmark.BATCH_SIZE),
                "--warmup-steps", Integer.toString(plan.warmupSteps()),
                "--warmup-seconds", Double.toString(plan.warmupSeconds()),
                "--steps", Integer.toString(plan.stepsPerRepetition()),
                "--repetitions", Integer.toString(plan.repetitions()),
                "--max-seconds", Double.toString(plan.maxSecondsPerMeasurement()));
        List<String> jsonLines = new ArrayList<>();
        int exitCode = runChild(command, line -> {
            if (line.startsWith("{")) {
                jsonLines.add(line);
            } else {
                System.err.println(line);
            }
        });
        if (exitCode != 0 || jsonLines.isEmpty()) {
            System.err.printf(Locale.ROOT, "bench: the PyTorch reference for %s at %d thread(s) failed (exit code "
                    + "%d); its messages are above%n", size.label(), threads, exitCode);
            return null;
        }
        return parse(jsonLines.get(jsonLines.size() - 1), TorchReference.class);
    }

    /** Runs a child with standard error shared and standard output handed to {@code lines}; its exit code. */
    private static int runChild(List<String> command, Consumer<String> lines) throws IOException,
            InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        // Java and Python children alike: the allocator settings speed up PyTorch as much as DJL, so a comparison
        // is only fair when both run with them.
        builder.environment().putAll(ComputeEnvironment.forComputeProcess());
        Process process = builder.start();
        process.getOutputStream().close();
        boolean readToEnd = false;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.accept(line);
            }
            readToEnd = true;
        } finally {
            if (!readToEnd) {
                process.destroy();   // its output could not be used: no point in letting it run on
            }
        }
        return process.waitFor();
    }

    private static <T> T parse(String json, Class<T> type) {
        try {
            return LINE_MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable benchmark result '" + json + "': " + e.getOriginalMessage(),
                    e);
        }
    }

    /** Why the reference cannot run, or null when the interpreter imports torch. */
    private String torchMissing() throws IOException, InterruptedException {
        Process probe;
        try {
            probe = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
        } catch (IOException e) {
            return "'" + python + "' was not found (pass --python)";
        }
        probe.getOutputStream().close();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int exitCode = probe.waitFor();
        if (exitCode == 0) {
            return null;
        }
        String lastLine = output.isEmpty() ? "exit code " + exitCode : output.substring(output.lastIndexOf('\n') + 1);
        return "'" + python + "' cannot import torch (" + lastLine + "); on Debian, apt-get install python3-torch, "
                + "and see " + REFERENCE_SCRIPT + " for its BLAS";
    }

    /**
     * The reference script: in the working directory, or in the repository the CLI was built in (the jar sits in
     * {@code cli/target}), so that the command works from anywhere in a checkout.
     */
    private static Path referenceScript() {
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of(REFERENCE_SCRIPT));
        try {
            Path code = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path directory = code.getParent();
            for (int i = 0; i < SCRIPT_SEARCH_DEPTH && directory != null; i++) {
                candidates.add(directory.resolve(REFERENCE_SCRIPT));
                directory = directory.getParent();
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            // The code source is not a local file (an unusual class loader): only the working directory is searched.
        }
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void printTable(PrintStream out, List<ModelSize> order, List<BenchmarkResult> results,
                                   List<TorchReference> references) {
        Map<String, TorchReference> referenceByRow = new LinkedHashMap<>();
        references.forEach(r -> referenceByRow.put(r.size() + "@" + r.threads(), r));
        List<BenchmarkResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.<BenchmarkResult>comparingInt(r -> order.indexOf(r.size()))
                .thenComparingInt(BenchmarkResult::threads));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"size", "params", "thr", "train", "b1", "b1 kv", "b16", "b16 kv", "kv x b1",
            "kv x b16", "b16 x", "torch", "djl/torch", "mm djl/torch"});
        for (BenchmarkResult r : sorted) {
            int batch = Benchmark.BATCH_SIZE;
            double b1 = r.samplingSpeed(1, false);
            double b1Cached = r.samplingSpeed(1, true);
            double b16 = r.samplingSpeed(batch, false);
            double b16Cached = r.samplingSpeed(batch, true);
            double train = r.training().tokensPerSecond();
            TorchReference reference = referenceByRow.get(r.size().label() + "@" + r.threads());
            rows.add(new String[] {
                r.size().label(),
                parameters(r.parameters()),
                Integer.toString(r.threads()),
                speed(train),
                speed(b1),
                speed(b1Cached),
                speed(b16),
                speed(b16Cached),
                ratio(b1Cached / b1),
                ratio(b16Cached / b16),
                ratio(b16Cached / b1Cached),
                reference == null ? "-" : speed(reference.trainTokensPerSecond()),
                reference == null ? "-" : ratio(train / reference.trainTokensPerSecond()),
                reference == null ? "-" : ratio(r.matrixProducts().gflopsPerSecond()
                        / reference.matrixProductGflopsPerSecond())});
        }
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        out.println("tokens per second (medians); DJL unless marked torch");
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                String format = c == 0 ? "%-" + widths[c] + "s" : "  %" + widths[c] + "s";
                line.append(String.format(Locale.ROOT, format, row[c]));
            }
            out.println(line);
        }
    }

    private void printNotes(PrintStream out, List<BenchmarkResult> results, List<TorchReference> references,
                            String referenceSkipped, double loadAtStart, double loadAtEnd, int cores) {
        out.println();
        out.println("train: training tokens/s (batch " + Benchmark.BATCH_SIZE + " x context per AdamW step)");
        out.println("b1, b1 kv, b16, b16 kv: sampled tokens/s at batch 1 and " + Benchmark.BATCH_SIZE + ", without "
                + "and with the KV cache; every sequence samples context-length tokens after a 1-token prompt, so "
                + "the window never slides");
        out.println("kv x b1, kv x b16: KV-cache speed-up at batch 1 and " + Benchmark.BATCH_SIZE + "; b16 x: batch "
                + Benchmark.BATCH_SIZE + " over batch 1 with the KV cache");
        out.println("torch: the same training step in PyTorch at the same threads (" + REFERENCE_SCRIPT
                + "); djl/torch: train over torch");
        out.println("mm djl/torch: the same ratio for the forward pass's matrix products alone, timed at the training"
                + " step's shapes: the speed of the BLAS each side links (most of a step is matrix products)");
        Set<String> engines = new LinkedHashSet<>();
        results.forEach(r -> engines.add(r.engine()));
        out.println("engine: " + String.join(", ", engines));
        out.println("environment of every measuring process: " + ComputeEnvironment.forComputeProcess().entrySet()
                .stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(" ")));
        if (!torchReference) {
            out.println("PyTorch reference: not asked for (--torch-reference)");
        } else if (referenceSkipped != null) {
            out.println("PyTorch reference skipped: " + referenceSkipped);
        } else {
            Set<String> torches = new LinkedHashSet<>();
            references.forEach(r -> torches.add("torch " + r.torch() + " on " + r.blas()
                    + (r.blasLibrary().isEmpty() ? "" : " (" + r.blasLibrary() + ")")));
            if (!torches.isEmpty()) {
                out.println("PyTorch reference: " + String.join(", ", torches));
            }
        }
        if (loadAtStart < 0) {
            out.println("load average: not available on this system; other work on the machine makes these numbers "
                    + "lower and noisier");
            return;
        }
        out.printf(Locale.ROOT, "load average (1 min): %.2f at start, %.2f at end, on %d cores%n", loadAtStart,
                loadAtEnd, cores);
        if (loadAtStart >= cores / 2.0) {
            // Waiting for a busy core stalls every thread of a multi-threaded operation, so 2-thread numbers suffer
            // most; the table is still printed because a rough number beats none, but it must not pass as clean.
            out.println("warning: the machine was busy when the benchmark started; these numbers are lower and "
                    + "noisier than on a quiet machine, multi-threaded ones most");
        }
    }

    private static String speed(double tokensPerSecond) {
        return Double.isNaN(tokensPerSecond) ? "-" : String.format(Locale.ROOT, "%,.0f", tokensPerSecond);
    }

    private static String ratio(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.2fx", value) : "-";
    }

    private static String parameters(long count) {
        if (count >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2fM", count / 1e6);
        }
        return String.format(Locale.ROOT, "%.0fK", count / 1e3);
    }
}
