package io.collapselab.cli.bench;

import io.collapselab.lm.bench.Benchmark;
import io.collapselab.lm.bench.BenchmarkPlan;
import io.collapselab.lm.bench.ModelSize;
import io.collapselab.lm.bench.PaperGenerationPlan;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Times in PyTorch with {@value #SCRIPT}, on a Python interpreter that has torch, the work {@code collapse bench}
 * times in the engine (the training step of a model size, or one paper generation at GPT-2 shapes), so that the
 * engine's speed can be read against the same work in PyTorch.
 */
public final class TorchReferenceRunner {

    /** The reference script, relative to the repository root. */
    public static final String SCRIPT = "bench/torch_reference.py";
    /** How far above the CLI's jar (or classes directory) the repository root with the script can be. */
    private static final int SCRIPT_SEARCH_DEPTH = 4;

    private final String python;
    private final Path script;
    private final String unavailable;

    private TorchReferenceRunner(String python, Path script, String unavailable) {
        this.python = python;
        this.script = script;
        this.unavailable = unavailable;
    }

    /** The reference on {@code python}; whether it can run is for {@link #unavailable()} to say. */
    public static TorchReferenceRunner find(String python) throws IOException, InterruptedException {
        Path script = locateScript();
        if (script == null) {
            return new TorchReferenceRunner(python, null, SCRIPT + " was not found (run from the repository root)");
        }
        return new TorchReferenceRunner(python, script, torchMissing(python));
    }

    /**
     * What a benchmark command's {@code --torch-reference} gets: the runner where the reference was asked for and can
     * run (else null), and why it cannot where it was asked for (else null).
     */
    public record Lookup(TorchReferenceRunner runner, String skipped) {
    }

    /**
     * The reference for a command that was {@code asked} for it; where it cannot run, says why on {@code err},
     * prefixed by the command's name.
     */
    public static Lookup lookUp(boolean asked, String python, String command, PrintStream err)
            throws IOException, InterruptedException {
        if (!asked) {
            return new Lookup(null, null);
        }
        TorchReferenceRunner reference = find(python);
        String skipped = reference.unavailable().orElse(null);
        if (skipped != null) {
            err.println(command + ": PyTorch reference skipped: " + skipped);
            return new Lookup(null, skipped);
        }
        return new Lookup(reference, null);
    }

    /** Why the reference cannot run, in words for the user; empty when it can. */
    public Optional<String> unavailable() {
        return Optional.ofNullable(unavailable);
    }

    /**
     * Times {@code size} at {@code threads} threads with {@code plan}, the plan of the engine's side; null (with the
     * reason on standard error) when the script failed.
     */
    public TorchReference measure(int threads, ModelSize size, BenchmarkPlan plan)
            throws IOException, InterruptedException {
        return runScript(size.label(), threads, TorchReference.class,
                "--size", size.label(),
                "--batch", Integer.toString(Benchmark.BATCH_SIZE),
                "--warmup-steps", Integer.toString(plan.warmupSteps()),
                "--warmup-seconds", Double.toString(plan.warmupSeconds()),
                "--steps", Integer.toString(plan.stepsPerRepetition()),
                "--repetitions", Integer.toString(plan.repetitions()),
                "--max-seconds", Double.toString(plan.maxSecondsPerMeasurement()));
    }

    /**
     * Times one paper generation at GPT-2 124M shapes as the paper's nanoGPT code runs it, on the same work as
     * {@code plan} gives the engine's side; null (with the reason on standard error) when the script failed.
     */
    public TorchPaperGeneration measurePaperGeneration(int threads, PaperGenerationPlan plan)
            throws IOException, InterruptedException {
        return runScript("the paper generation", threads, TorchPaperGeneration.class,
                "--paper",
                "--tokens", Integer.toString(plan.sampledTokens()),
                "--repetitions", Integer.toString(plan.samplingRuns()),
                "--warmup-steps", Integer.toString(plan.trainingWarmup()),
                "--steps", Integer.toString(plan.trainingSteps()));
    }

    private <T> T runScript(String what, int threads, Class<T> type, String... arguments)
            throws IOException, InterruptedException {
        if (unavailable != null) {
            throw new IllegalStateException("the PyTorch reference cannot run: " + unavailable);
        }
        List<String> command = new ArrayList<>(List.of(python, script.toString(),
                "--threads", Integer.toString(threads)));
        command.addAll(List.of(arguments));
        List<String> jsonLines = new ArrayList<>();
        int exitCode = MeasuringProcess.run(command, line -> {
            if (line.startsWith("{")) {
                jsonLines.add(line);
            } else {
                System.err.println(line);
            }
        });
        if (exitCode != 0 || jsonLines.isEmpty()) {
            System.err.printf(Locale.ROOT, "bench: the PyTorch reference for %s at %d thread(s) failed (exit code "
                    + "%d); its messages are above%n", what, threads, exitCode);
            return null;
        }
        return MeasuringProcess.parse(jsonLines.get(jsonLines.size() - 1), type);
    }

    /** Why the reference cannot run, or null when the interpreter imports torch. */
    private static String torchMissing(String python) throws IOException, InterruptedException {
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
                + "and see " + SCRIPT + " for its BLAS";
    }

    /**
     * The reference script: in the working directory, or in the repository the CLI was built in (the jar sits in
     * {@code cli/target}), so that the command works from anywhere in a checkout.
     */
    private static Path locateScript() {
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of(SCRIPT));
        try {
            Path code = Path.of(TorchReferenceRunner.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI());
            Path directory = code.getParent();
            for (int i = 0; i < SCRIPT_SEARCH_DEPTH && directory != null; i++) {
                candidates.add(directory.resolve(SCRIPT));
                directory = directory.getParent();
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            // The code source is not a local file (an unusual class loader): only the working directory is searched.
        }
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
    }
}
