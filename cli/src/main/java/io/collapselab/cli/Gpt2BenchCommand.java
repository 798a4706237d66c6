package io.collapselab.cli;

import io.collapselab.cli.bench.BenchWorkers;
import io.collapselab.cli.bench.PaperGenerationResults;
import io.collapselab.cli.bench.PaperGenerationTable;
import io.collapselab.cli.bench.TorchPaperGeneration;
import io.collapselab.cli.bench.TorchReferenceRunner;
import io.collapselab.lm.bench.PaperGenerationBenchmark;
import io.collapselab.lm.bench.PaperGenerationPlan;
import io.collapselab.lm.bench.PaperGenerationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code collapse bench gpt2}: one generation of the paper's experiment at GPT-2 124M shapes
 * ({@link PaperGenerationBenchmark}), at each thread count in a worker JVM of its own, optionally beside the same
 * generation as the paper's nanoGPT code runs it in PyTorch.
 */
@Command(name = "gpt2", mixinStandardHelpOptions = true,
        description = {"Measures one generation of Herel & Mikolov's experiment at GPT-2 124M shapes (random "
                + "weights, context 100): 1,024 tokens sampled in the exact window plus one training step, the fast "
                + "window's speed-up, cached batch-1 decoding against this machine's memory bandwidth, and the peak "
                + "memory of a training step; optionally beside the same generation in PyTorch.",
                "Each thread count runs in a JVM of its own. Progress goes to standard error; the table to standard "
                        + "output. A full run takes minutes per thread count on two cores."})
final class Gpt2BenchCommand implements Callable<Integer> {

    @Option(names = "--threads", split = ",", paramLabel = "N", defaultValue = "1,2",
            description = "Intra-op thread counts to measure, one JVM each (default: ${DEFAULT-VALUE}).")
    List<Integer> threadCounts;

    @Option(names = "--tokens", paramLabel = "N", defaultValue = "0",
            description = "Tokens sampled per measurement (default: the paper's 1,024; 160 with --quick).")
    int tokens;

    @Option(names = "--quick", description = "Fewer tokens and steps: shows that everything works, with rough "
            + "numbers.")
    boolean quick;

    @Mixin
    JsonOutput json;

    @Option(names = "--torch-reference", description = "Also time the generation in PyTorch ("
            + TorchReferenceRunner.SCRIPT + " --paper), where the Python interpreter has torch.")
    boolean torchReference;

    @Option(names = "--python", paramLabel = "PYTHON", defaultValue = "python3",
            description = "Python interpreter for --torch-reference (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--worker", hidden = true, description = "Measure in this process and print the result as JSON "
            + "(used by the command itself).")
    boolean worker;

    @Override
    public Integer call() throws IOException, InterruptedException {
        for (int count : threadCounts) {
            if (count < 1 || count > 1024) {
                throw new UsageError("--threads must be between 1 and 1024, was " + count);
            }
        }
        if (tokens < 0) {
            throw new UsageError("--tokens must be positive, was " + tokens);
        }
        PaperGenerationPlan plan = PaperGenerationPlan.of(quick, tokens);
        if (worker) {
            BenchWorkers.report(PaperGenerationBenchmark.run(PaperGenerationBenchmark.GPT2_PAPER_SHAPE, plan,
                    line -> System.err.println("  " + line)), System.out);
            return CollapseMain.OK;
        }
        measureAll(plan);
        return CollapseMain.OK;
    }

    private void measureAll(PaperGenerationPlan plan) throws IOException, InterruptedException {
        PrintStream err = System.err;
        double loadAtStart = BenchCommand.loadAverage();
        int cores = Runtime.getRuntime().availableProcessors();
        err.printf(Locale.ROOT, "bench gpt2: threads %s, %,d tokens per sampling measurement; load average %.2f on "
                + "%d cores%n", threadCounts, plan.sampledTokens(), loadAtStart, cores);
        TorchReferenceRunner.Lookup reference = TorchReferenceRunner.lookUp(torchReference, python, "bench gpt2",
                err);
        List<PaperGenerationResult> results = new ArrayList<>();
        List<TorchPaperGeneration> references = new ArrayList<>();
        for (int threads : threadCounts) {
            err.printf(Locale.ROOT, "bench gpt2: %d thread(s): DJL, in a JVM of its own%n", threads);
            results.addAll(BenchWorkers.measure(threads, "the paper generation", workerCommandLine(),
                    PaperGenerationResult.class, PaperGenerationResult::threads));
            if (reference.runner() != null) {
                err.printf(Locale.ROOT, "bench gpt2: %d thread(s): PyTorch reference%n", threads);
                TorchPaperGeneration measured = reference.runner().measurePaperGeneration(threads, plan);
                if (measured != null) {
                    references.add(measured);
                }
            }
        }
        PaperGenerationResults bench = new PaperGenerationResults(cores, loadAtStart, BenchCommand.loadAverage(),
                quick, results, references, reference.skipped());
        PaperGenerationTable.print(json.forPeople(), bench, torchReference);
        json.write(bench);
    }

    private List<String> workerCommandLine() {
        List<String> commandLine = new ArrayList<>(List.of(CollapseMain.class.getName(), "bench", "gpt2", "--worker",
                "--tokens", Integer.toString(tokens)));
        if (quick) {
            commandLine.add("--quick");
        }
        return commandLine;
    }
}
