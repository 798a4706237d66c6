package io.collapselab.cli;

import io.collapselab.experiment.ExperimentConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@code --sweep NAME=V1,V2,...}: several runs of one experiment that differ in one knob, submitted at once. The
 * knobs are the experiment overrides: lr, seed, generations, mixing, real-fraction, pretrain-steps,
 * steps-per-generation, epochs-per-generation, tokens-per-generation.
 */
final class SweepOptions {

    private static final Map<String, BiConsumer<ExperimentOptions, String>> KNOBS = Map.of(
            "lr", (o, v) -> o.learningRate = Double.parseDouble(v),
            "seed", (o, v) -> o.seed = Long.parseLong(v),
            "generations", (o, v) -> o.generations = Integer.parseInt(v),
            "mixing", (o, v) -> o.mixing = v,
            "real-fraction", (o, v) -> o.realFraction = Double.parseDouble(v),
            "pretrain-steps", (o, v) -> o.pretrainSteps = Integer.parseInt(v),
            "steps-per-generation", (o, v) -> o.stepsPerGeneration = Integer.parseInt(v),
            "epochs-per-generation", (o, v) -> o.epochsPerGeneration = Double.parseDouble(v),
            "tokens-per-generation", (o, v) -> o.tokensPerGeneration = v);

    /**
     * One run of a sweep: a label for its id, its config, and the directory of the pretrained model it starts from
     * ({@code null} for fresh weights).
     */
    record Variant(String label, ExperimentConfig config, Path baseModel) {
    }

    @Option(names = "--sweep", paramLabel = "NAME=V1,V2,...",
            description = "Submit one run per value of one knob (lr, seed, generations, mixing, real-fraction, "
                    + "pretrain-steps, steps-per-generation, epochs-per-generation, tokens-per-generation), e.g. "
                    + "--sweep lr=1e-3,3e-3 or --sweep tokens-per-generation=real-size,2x real-size.")
    String sweep;

    /** The experiment once, or once per sweep value, each validated before anything is submitted. */
    List<Variant> variants(ExperimentOptions experiment, String defaultPreset) {
        if (sweep == null) {
            ExperimentConfig config = experiment.resolve(defaultPreset);
            return List.of(new Variant(config.name(), config, experiment.baseModel(config)));
        }
        int equals = sweep.indexOf('=');
        String knob = equals > 0 ? sweep.substring(0, equals) : "";
        BiConsumer<ExperimentOptions, String> setter = KNOBS.get(knob);
        if (setter == null || equals == sweep.length() - 1) {
            throw new UsageError("--sweep must be NAME=V1,V2,... with NAME one of " + String.join(", ",
                    KNOBS.keySet().stream().sorted().toList()) + ", was '" + sweep + "'");
        }
        List<Variant> variants = new ArrayList<>();
        for (String value : sweep.substring(equals + 1).split(",")) {
            try {
                setter.accept(experiment, value.strip());
            } catch (NumberFormatException e) {
                throw new UsageError("--sweep " + knob + ": '" + value + "' is not a number");
            }
            ExperimentConfig config = experiment.resolve(defaultPreset);
            variants.add(new Variant(config.name() + "-" + knob + "-" + value.strip(), config,
                    experiment.baseModel(config)));
        }
        return variants;
    }
}
