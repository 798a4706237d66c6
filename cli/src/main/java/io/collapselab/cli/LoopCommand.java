package io.collapselab.cli;

import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.lm.loop.SelfTrainingLoop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code collapse loop}: the whole self-training loop in this process, no Kafka, no object store. */
@Command(name = "loop", mixinStandardHelpOptions = true,
        description = {"Runs recursive self-training in this process: generation 0 trains on real text, each "
                + "generation samples a corpus that the next one trains on, and every generation is measured on "
                + "real held-out text.",
                "Progress goes to standard error; the per-generation table to standard output (to standard error with "
                        + "--json, which prints the run summary there instead).",
                "With --sweep or --seeds, runs the grid's runs one after the other; the JSON is then a list."})
final class LoopCommand implements Callable<Integer> {

    @Mixin
    ExperimentOptions experiment;

    @Mixin
    DataOptions data;

    @Mixin
    ThreadOptions threads;

    @Mixin
    JsonOutput json;

    @Mixin
    SweepOptions sweep;

    @Option(names = "--run-id", paramLabel = "ID", description = "Name of the run (default: loop-<preset>-<time>).")
    String runId;

    @Option(names = "--verbose", description = "Print stack traces of failures.")
    boolean verbose;

    @Override
    public Integer call() {
        List<SweepOptions.Variant> variants = sweep.variants(experiment, "demo");
        if (runId != null && variants.size() > 1) {
            throw new UsageError("--run-id names one run; the grid has " + variants.size());
        }
        DataOptions.RealTexts texts = data.read();
        threads.apply();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        List<RunJson> summaries = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            SweepOptions.Variant variant = variants.get(i);
            String id = runId != null ? runId : "loop-" + variant.label() + "-" + stamp;
            if (variants.size() > 1) {
                json.forPeople().printf(Locale.ROOT, "%nrun %d of %d: %s%n", i + 1, variants.size(), id);
            }
            summaries.add(run(id, variant, texts));
        }
        json.write(summaries.size() == 1 ? summaries.get(0) : summaries);
        return CollapseMain.OK;
    }

    /** One run of the loop, its progress on standard error and its table where results for people go. */
    private RunJson run(String id, SweepOptions.Variant variant, DataOptions.RealTexts texts) {
        ExperimentConfig config = variant.config();
        PrintStream err = System.err;
        err.printf(Locale.ROOT, "run %s: %s, %d generations, %d intra-op threads; training text %s (%,d bytes), "
                        + "held-out text %s (%,d bytes)%n", id, config.name(), config.generations(),
                ThreadOptions.effective(), texts.trainSource(), texts.train().length, texts.heldoutSource(),
                texts.heldout().length);
        Path baseModel = variant.baseModel();
        if (baseModel != null) {
            err.printf(Locale.ROOT, "generation 0 starts from %s (%s)%n", config.model().initFrom(), baseModel);
        }
        SelfTrainingLoop.Outcome outcome = new SelfTrainingLoop(config, texts.train(), texts.heldout(), baseModel)
                .run(new ProgressPrinter(err, config.generations()));
        GenerationTable.print(json.forPeople(), outcome.generations());
        json.forPeople().println("status: " + outcome.end().wireName());
        return new RunJson(id, outcome.end().wireName(), config, outcome.generations(), variant.group());
    }
}
