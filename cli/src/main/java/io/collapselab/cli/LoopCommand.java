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
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code collapse loop}: the whole self-training loop in this process, no Kafka, no object store. */
@Command(name = "loop", mixinStandardHelpOptions = true,
        description = {"Runs recursive self-training in this process: generation 0 trains on real text, each "
                + "generation samples a corpus that the next one trains on, and every generation is measured on "
                + "real held-out text.",
                "Progress goes to standard error; the per-generation table to standard output (to standard error with "
                        + "--json, which prints the run summary there instead)."})
final class LoopCommand implements Callable<Integer> {

    @Mixin
    ExperimentOptions experiment;

    @Mixin
    DataOptions data;

    @Mixin
    ThreadOptions threads;

    @Mixin
    JsonOutput json;

    @Option(names = "--run-id", paramLabel = "ID", description = "Name of the run (default: loop-<preset>-<time>).")
    String runId;

    @Option(names = "--verbose", description = "Print stack traces of failures.")
    boolean verbose;

    @Override
    public Integer call() {
        ExperimentConfig config = experiment.resolve("demo");
        DataOptions.RealTexts texts = data.read();
        threads.apply();
        String id = runId != null ? runId : "loop-" + config.name() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        PrintStream err = System.err;
        err.printf(Locale.ROOT, "run %s: %s, %d generations, %d intra-op threads; training text %s (%,d bytes), "
                        + "held-out text %s (%,d bytes)%n", id, config.name(), config.generations(),
                ThreadOptions.effective(), texts.trainSource(), texts.train().length, texts.heldoutSource(),
                texts.heldout().length);
        Path baseModel = experiment.baseModel(config);
        if (baseModel != null) {
            err.printf(Locale.ROOT, "generation 0 starts from %s (%s)%n", config.model().initFrom(), baseModel);
        }
        SelfTrainingLoop.Outcome outcome = new SelfTrainingLoop(config, texts.train(), texts.heldout(), baseModel)
                .run(new ProgressPrinter(err, config.generations()));
        GenerationTable.print(json.forPeople(), outcome.generations());
        json.forPeople().println("status: " + outcome.end().wireName());
        json.write(new RunJson(id, outcome.end().wireName(), config, outcome.generations()));
        return CollapseMain.OK;
    }
}
