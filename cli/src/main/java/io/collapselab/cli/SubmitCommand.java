package io.collapselab.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code collapse submit}: a run (or a sweep of runs) for the services, without waiting for it. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submits a run to the services: validates the experiment, uploads the real texts to "
                + "runs/<runId>/inputs/ and publishes RunRequested. Prints the run id; follow it with "
                + "'collapse watch RUN'.", "An invalid experiment is rejected before anything is uploaded or "
                + "published."})
final class SubmitCommand implements Callable<Integer> {

    @Mixin
    ExperimentOptions experiment;

    @Mixin
    SweepOptions sweep;

    @Mixin
    DataOptions data;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    StateOptions state;

    @Option(names = "--run-id", paramLabel = "ID", description = "Id of the run (default: <preset>-<time>-<random>).")
    String runId;

    @Option(names = "--verbose", description = "Print stack traces of failures.")
    boolean verbose;

    @Override
    public Integer call() {
        List<SweepOptions.Variant> variants = sweep.variants(experiment, "demo");
        DataOptions.RealTexts texts = data.read();
        List<String> ids = Submission.submit(cluster.resolve(state.processes()), variants, texts, runId);
        ids.forEach(System.out::println);
        return CollapseMain.OK;
    }
}
