package io.collapselab.cli;

import io.collapselab.cli.runs.RunIds;
import io.collapselab.events.RunGroup;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.Interventions;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * {@code --sweep NAME=V1,V2,...} (repeatable: a grid over every combination) and {@code --seeds}: several runs of
 * one experiment that differ in some knobs, submitted at once as one grid. The knobs are the experiment overrides:
 * lr, seed, generations, mixing, real-fraction, pretrain-steps, steps-per-generation, epochs-per-generation,
 * tokens-per-generation, kl-anchor, real-gradient-weight, perplexity-min, perplexity-max, dedupe-ngram, oversample;
 * and {@value #INTERVENTION}, one of {@link Interventions}. The runs of a grid share a group id, and each records
 * its value of every knob that varies ({@link RunGroup}), so that reports find them together and tell them apart.
 * {@code --preset interventions} is a grid by itself: every intervention over {@value Interventions#SEEDS} seeds,
 * unless {@code --sweep intervention=...} or {@code --seeds} says otherwise.
 */
final class SweepOptions {

    private static final Map<String, BiConsumer<ExperimentOptions, String>> KNOBS = Map.ofEntries(
            Map.entry("lr", (o, v) -> o.learningRate = Double.parseDouble(v)),
            Map.entry(RunGroup.SEED, (o, v) -> o.seed = Long.parseLong(v)),
            Map.entry("generations", (o, v) -> o.generations = Integer.parseInt(v)),
            Map.entry("mixing", (o, v) -> o.mixing = v),
            Map.entry("real-fraction", (o, v) -> o.realFraction = Double.parseDouble(v)),
            Map.entry("pretrain-steps", (o, v) -> o.pretrainSteps = Integer.parseInt(v)),
            Map.entry("steps-per-generation", (o, v) -> o.stepsPerGeneration = Integer.parseInt(v)),
            Map.entry("epochs-per-generation", (o, v) -> o.epochsPerGeneration = Double.parseDouble(v)),
            Map.entry("tokens-per-generation", (o, v) -> o.tokensPerGeneration = v),
            Map.entry("kl-anchor", (o, v) -> o.klAnchor = Double.parseDouble(v)),
            Map.entry("real-gradient-weight", (o, v) -> o.realGradientWeight = Double.parseDouble(v)),
            Map.entry("perplexity-min", (o, v) -> o.perplexityMin = Double.parseDouble(v)),
            Map.entry("perplexity-max", (o, v) -> o.perplexityMax = Double.parseDouble(v)),
            Map.entry("dedupe-ngram", (o, v) -> o.dedupeNgram = Integer.parseInt(v)),
            Map.entry("oversample", (o, v) -> o.oversample = Integer.parseInt(v)));

    /**
     * The knob whose values are {@link Interventions}: each changes several settings of the resolved experiment,
     * so it applies after the other knobs rather than as an override.
     */
    static final String INTERVENTION = "intervention";

    static final String INTERVENTIONS_LISTED = "none, kl-anchor, real-gradient, perplexity-filter, mix-10, "
            + "accumulate";

    /** The most runs one grid submits: a typo in a grid should not flood the cluster. */
    static final int MAX_RUNS = 256;

    /**
     * One run of a sweep: a label for its id, its config, the directory of the pretrained model it starts from
     * ({@code null} for fresh weights) and the grid it belongs to ({@code null} for a run on its own).
     */
    record Variant(String label, ExperimentConfig config, Path baseModel, RunGroup group) {
    }

    /** One knob of the grid and the values it takes. */
    private record Axis(String knob, List<String> values) {
    }

    @Option(names = "--sweep", paramLabel = "NAME=V1,V2,...",
            description = "Submit one run per value of a knob (lr, seed, generations, mixing, real-fraction, "
                    + "pretrain-steps, steps-per-generation, epochs-per-generation, tokens-per-generation, "
                    + "kl-anchor, real-gradient-weight, perplexity-min, perplexity-max, dedupe-ngram, oversample, "
                    + "intervention: one of " + INTERVENTIONS_LISTED + "), e.g. "
                    + "--sweep lr=1e-3,3e-3 or --sweep tokens-per-generation=real-size,2x real-size. Repeat it for "
                    + "a grid of every combination: --sweep lr=1e-3,3e-3 --sweep mixing=replace,accumulate.")
    List<String> sweeps = new ArrayList<>();

    @Option(names = "--seeds", paramLabel = "N|S1,S2,...",
            description = "Repeat every setting with several run seeds: N seeds counting up from the experiment's "
                    + "seed, or the seeds listed.")
    String seeds;

    @Option(names = "--group", paramLabel = "ID",
            description = "Group id the runs of a grid share (default: the experiment's name, the time and a random "
                    + "suffix); 'collapse runs --group ID' and 'collapse report ID' find them by it.")
    String group;

    /** The experiment once, or once per combination of the grid, each validated before anything is submitted. */
    List<Variant> variants(ExperimentOptions experiment, String defaultPreset) {
        List<Axis> axes = axes(experiment, defaultPreset);
        if (axes.isEmpty()) {
            if (group != null) {
                throw new UsageError("--group names the runs of a grid; add --sweep or --seeds");
            }
            ExperimentConfig config = experiment.resolve(defaultPreset);
            return List.of(new Variant(config.name(), config, experiment.baseModel(config), null));
        }
        long runs = 1;
        for (Axis axis : axes) {
            runs *= axis.values().size();
        }
        if (runs > MAX_RUNS) {
            throw new UsageError("the grid has " + runs + " runs, more than " + MAX_RUNS + "; split it");
        }
        String groupId = group;
        if (groupId != null && !RunIds.isValid(groupId)) {
            throw new UsageError("invalid --group: " + RunIds.problem(groupId).replace("run id", "group id"));
        }
        List<Variant> variants = new ArrayList<>();
        int[] position = new int[axes.size()];
        for (long run = 0; run < runs; run++) {
            Map<String, String> settings = new LinkedHashMap<>();
            StringBuilder label = new StringBuilder();
            String intervention = null;
            for (int a = 0; a < axes.size(); a++) {
                Axis axis = axes.get(a);
                String value = axis.values().get(position[a]);
                settings.put(axis.knob(), value);
                if (axis.knob().equals(INTERVENTION)) {
                    intervention = value;
                    label.append('-').append(value);
                } else {
                    apply(experiment, axis.knob(), value);
                    label.append('-').append(axis.knob()).append('-').append(value);
                }
            }
            ExperimentConfig config = experiment.resolve(defaultPreset);
            if (intervention != null) {
                config = Interventions.apply(intervention, config);
                List<String> problems = config.problems();
                if (!problems.isEmpty()) {
                    throw new UsageError("invalid experiment with intervention " + intervention + ": "
                            + String.join("; ", problems));
                }
            }
            if (groupId == null) {
                groupId = RunIds.fresh(config.name() + "-grid");
            }
            variants.add(new Variant(config.name() + label, config, experiment.baseModel(config),
                    new RunGroup(groupId, settings)));
            for (int a = axes.size() - 1; a >= 0 && ++position[a] == axes.get(a).values().size(); a--) {
                position[a] = 0;
            }
        }
        return variants;
    }

    /** The grid's knobs in the order given, the seeds last, each with its values; empty for a run on its own. */
    private List<Axis> axes(ExperimentOptions experiment, String defaultPreset) {
        List<Axis> axes = new ArrayList<>();
        for (String sweep : sweeps) {
            int equals = sweep.indexOf('=');
            String knob = equals > 0 ? sweep.substring(0, equals).strip() : "";
            if (!(KNOBS.containsKey(knob) || knob.equals(INTERVENTION)) || equals == sweep.length() - 1) {
                throw new UsageError("--sweep must be NAME=V1,V2,... with NAME one of " + String.join(", ",
                        Stream.concat(KNOBS.keySet().stream(), Stream.of(INTERVENTION)).sorted().toList())
                        + ", was '" + sweep + "'");
            }
            if (axes.stream().anyMatch(axis -> axis.knob().equals(knob))) {
                throw new UsageError("--sweep " + knob + " is given twice; list all its values in one --sweep");
            }
            List<String> values = new ArrayList<>();
            for (String value : sweep.substring(equals + 1).split(",")) {
                String stripped = value.strip();
                if (stripped.isEmpty() || values.contains(stripped)) {
                    throw new UsageError("--sweep " + knob + ": values must be distinct and not empty, was '"
                            + sweep.substring(equals + 1) + "'");
                }
                if (knob.equals(INTERVENTION) && !Interventions.names().contains(stripped)) {
                    throw new UsageError("--sweep intervention: unknown intervention '" + stripped
                            + "'; choose from " + String.join(", ", Interventions.names()));
                }
                values.add(stripped);
            }
            axes.add(new Axis(knob, values));
        }
        boolean interventionsPreset = Interventions.PRESET.equals(experiment.source.preset);
        if (interventionsPreset && axes.stream().noneMatch(axis -> axis.knob().equals(INTERVENTION))) {
            axes.add(0, new Axis(INTERVENTION, Interventions.names()));
        }
        String seedList = seeds == null && interventionsPreset
                && axes.stream().noneMatch(axis -> axis.knob().equals(RunGroup.SEED))
                ? Integer.toString(Interventions.SEEDS) : seeds;
        if (seedList != null) {
            if (axes.stream().anyMatch(axis -> axis.knob().equals(RunGroup.SEED))) {
                throw new UsageError("--seeds and --sweep seed=... both set the seeds; use one of them");
            }
            axes.add(new Axis(RunGroup.SEED, seedValues(seedList, experiment, defaultPreset)));
        }
        return axes;
    }

    /** {@code --seeds N}: N seeds from the experiment's own; {@code --seeds S1,S2}: those. */
    private static List<String> seedValues(String seeds, ExperimentOptions experiment, String defaultPreset) {
        List<String> values = new ArrayList<>();
        try {
            if (seeds.contains(",")) {
                for (String seed : seeds.split(",")) {
                    String value = Long.toString(Long.parseLong(seed.strip()));
                    if (values.contains(value)) {
                        throw new UsageError("--seeds lists " + value + " twice");
                    }
                    values.add(value);
                }
                return values;
            }
            int count = Integer.parseInt(seeds.strip());
            if (count < 1 || count > MAX_RUNS) {
                throw new UsageError("--seeds N must be between 1 and " + MAX_RUNS + ", was " + count);
            }
            long first = experiment.resolve(defaultPreset).seed();
            for (int i = 0; i < count; i++) {
                values.add(Long.toString(first + i));
            }
            return values;
        } catch (NumberFormatException e) {
            throw new UsageError("--seeds must be a count or a list of seeds such as 1,2,3, was '" + seeds + "'");
        }
    }

    private static void apply(ExperimentOptions experiment, String knob, String value) {
        try {
            KNOBS.get(knob).accept(experiment, value);
        } catch (NumberFormatException e) {
            throw new UsageError("--sweep " + knob + ": '" + value + "' is not a number");
        }
    }
}
