package io.collapselab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.collapselab.cli.hub.HubModels;
import io.collapselab.experiment.CorpusSize;
import io.collapselab.experiment.CurationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.ExperimentJson;
import io.collapselab.experiment.MixingSettings;
import io.collapselab.experiment.ModelSettings;
import io.collapselab.experiment.RetentionSettings;
import io.collapselab.experiment.TrainingSettings;
import io.collapselab.experiment.Presets;
import io.collapselab.lm.pretrained.BaseModels;
import io.collapselab.lm.pretrained.Gpt2Architecture;
import io.collapselab.lm.pretrained.Gpt2Import;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** Which experiment to run: a preset or a config file, with overrides for the common knobs. */
final class ExperimentOptions {

    static final class Source {
        @Option(names = "--preset", paramLabel = "NAME",
                description = "A ready-made experiment (collapse presets lists them; default: demo, unless "
                        + "--config is given).")
        String preset;

        @Option(names = "--config", paramLabel = "FILE",
                description = "An experiment config as JSON (the shape of 'config' in the --json output; "
                        + "collapse presets NAME prints one to start from).")
        Path configFile;
    }

    @ArgGroup(exclusive = true)
    Source source = new Source();

    @Option(names = "--generations", paramLabel = "N", description = "Self-trained generations after generation 0.")
    Integer generations;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate of the self-training generations.")
    Double learningRate;

    @Option(names = "--pretrain-steps", paramLabel = "N", description = "Training steps of generation 0.")
    Integer pretrainSteps;

    @Option(names = "--steps-per-generation", paramLabel = "N",
            description = "Training steps of each self-trained generation (a fixed budget).")
    Integer stepsPerGeneration;

    @Option(names = "--epochs-per-generation", paramLabel = "E",
            description = "Train each self-trained generation for E epochs of its training mix instead: more data, "
                    + "more steps.")
    Double epochsPerGeneration;

    @Option(names = "--tokens-per-generation", paramLabel = "SIZE",
            description = "Tokens each generation samples for its corpus: a number, real-size (as many as the real "
                    + "training text has) or a multiple such as 2x real-size.")
    String tokensPerGeneration;

    @Option(names = "--mixing", paramLabel = "POLICY",
            description = "What generation g+1 trains on: replace, accumulate, accumulate-subsample or mix.")
    String mixing;

    @Option(names = "--real-fraction", paramLabel = "F",
            description = "Share of real text in the training mix of the 'mix' policy, in (0, 1).")
    Double realFraction;

    @Option(names = "--kl-anchor", paramLabel = "BETA",
            description = "selfTraining.klAnchor: add BETA times the KL divergence from generation 0 to every "
                    + "self-training step (0 turns it off).")
    Double klAnchor;

    @Option(names = "--real-gradient-weight", paramLabel = "GAMMA",
            description = "selfTraining.realGradientWeight: add GAMMA times the loss of a batch of real training text "
                    + "to every self-training step (0 turns it off).")
    Double realGradientWeight;

    @Option(names = "--perplexity-min", paramLabel = "PPL",
            description = "sampling.curation.perplexityMin: drop every sample whose perplexity under generation 0 is "
                    + "below PPL (a degenerate loop).")
    Double perplexityMin;

    @Option(names = "--perplexity-max", paramLabel = "PPL",
            description = "sampling.curation.perplexityMax: drop every sample whose perplexity under generation 0 is "
                    + "above PPL (gibberish).")
    Double perplexityMax;

    @Option(names = "--dedupe-ngram", paramLabel = "N",
            description = "sampling.curation.dedupeNgram: drop every sample that repeats a span of N tokens, within "
                    + "itself or of a sample kept before it.")
    Integer dedupeNgram;

    @Option(names = "--oversample", paramLabel = "K",
            description = "sampling.curation.oversample: sample K times the corpus and keep the samples nearest the "
                    + "perplexity band's centre (needs both --perplexity-min and --perplexity-max).")
    Integer oversample;

    @Option(names = "--keep-every", paramLabel = "K",
            description = "retention.keepEvery: keep every K-th generation's checkpoint (0, K, 2K, ...) once it is "
                    + "evaluated and no longer among the newest; the others are removed. 1 keeps them all.")
    Integer keepEvery;

    @Option(names = "--keep-last", paramLabel = "N",
            description = "retention.keepLast: keep the N newest checkpoints (default 1 under --keep-every); alone, "
                    + "keeps only those and generation 0.")
    Integer keepLast;

    @Option(names = "--seed", paramLabel = "N", description = "Run seed; every random choice derives from it.")
    Long seed;

    @Option(names = "--init-from", paramLabel = "REPO|DIR",
            description = "Start generation 0 from a pretrained GPT-2: a Hugging Face Hub model fetched with "
                    + "collapse models pull (e.g. gpt2), or a directory holding its config.json and "
                    + "model.safetensors. The architecture and tokenizer become the model's; the context is cropped "
                    + "to the experiment's. With --pretrain-steps 0, generation 0 is the model itself. "
                    + "random:gpt2 (or random:gpt2-medium, -large, -xl) takes only the architecture, with weights "
                    + "drawn from the seed: GPT-2's shapes without a download.")
    String initFrom;

    /** Where pretrained models are looked up; the process environment, or a test's. */
    Function<String, String> environment = System::getenv;

    /** The experiment after overrides, validated; a {@link UsageError} names every problem. */
    ExperimentConfig resolve(String defaultPreset) {
        ExperimentConfig config = base(defaultPreset);
        if (generations != null) {
            config = config.withGenerations(generations);
        }
        if (learningRate != null) {
            config = config.withSelfTraining(config.selfTraining().withLearningRate(learningRate));
        }
        if (pretrainSteps != null) {
            config = config.withPretraining(config.pretraining().withSteps(pretrainSteps));
        }
        if (stepsPerGeneration != null && epochsPerGeneration != null) {
            throw new UsageError("--steps-per-generation and --epochs-per-generation are two budgets for the same "
                    + "training; give one of them");
        }
        if (stepsPerGeneration != null) {
            config = config.withSelfTraining(config.selfTraining().withSteps(stepsPerGeneration));
        }
        if (epochsPerGeneration != null) {
            config = config.withSelfTraining(config.selfTraining().withEpochs(epochsPerGeneration));
        }
        if (tokensPerGeneration != null) {
            try {
                config = config.withSampling(config.sampling().withTokensPerGeneration(
                        CorpusSize.parse(tokensPerGeneration)));
            } catch (IllegalArgumentException e) {
                throw new UsageError("--tokens-per-generation: " + e.getMessage());
            }
        }
        if (mixing != null || realFraction != null) {
            MixingSettings m = config.mixing();
            config = config.withMixing(new MixingSettings(mixing != null ? mixing : m.policy(),
                    realFraction != null ? realFraction : m.realFraction()));
        }
        if (klAnchor != null || realGradientWeight != null) {
            TrainingSettings t = config.selfTraining();
            config = config.withSelfTraining(t.withAnchors(klAnchor != null ? klAnchor : t.klAnchor(),
                    realGradientWeight != null ? realGradientWeight : t.realGradientWeight()));
        }
        if (perplexityMin != null || perplexityMax != null || dedupeNgram != null || oversample != null) {
            CurationSettings c = config.sampling().curation() != null ? config.sampling().curation()
                    : new CurationSettings(null, null, null, null);
            config = config.withSampling(config.sampling().withCuration(new CurationSettings(
                    perplexityMin != null ? perplexityMin : c.perplexityMin(),
                    perplexityMax != null ? perplexityMax : c.perplexityMax(),
                    dedupeNgram != null ? dedupeNgram : c.dedupeNgram(),
                    oversample != null ? oversample : c.oversample())));
        }
        if (keepEvery != null || keepLast != null) {
            RetentionSettings r = config.retention();
            config = config.withRetention(new RetentionSettings(
                    keepEvery != null ? keepEvery : r != null ? r.keepEvery() : RetentionSettings.MAX,
                    keepLast != null ? keepLast : r != null ? r.keepLast() : 1));
        }
        if (seed != null) {
            config = config.withSeed(seed);
        }
        if (initFrom != null && initFrom.startsWith(ModelSettings.RANDOM_PREFIX)) {
            try {
                config = config.withModel(config.model().randomlyInitialized(initFrom));
            } catch (IllegalArgumentException e) {
                throw new UsageError("--init-from: " + e.getMessage());
            }
        } else if (initFrom != null) {
            config = config.withModel(BaseModels.startingFrom(config.model(), initFrom,
                    architecture(baseModel(initFrom))));
        }
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new UsageError("invalid experiment: " + String.join("; ", problems));
        }
        if (config.model().startsPretrained()) {
            List<String> conflicts = BaseModels.conflicts(config.model(),
                    architecture(baseModel(config.model().initFrom())), config.model().initFrom());
            if (!conflicts.isEmpty()) {
                throw new UsageError("invalid experiment: " + String.join("; ", conflicts));
            }
        }
        return config;
    }

    /**
     * The directory of the pretrained model a resolved experiment starts from, or {@code null} when it starts from
     * fresh weights; a model that is neither a directory nor in the hub cache is a {@link UsageError} naming the
     * {@code collapse models pull} command.
     */
    Path baseModel(ExperimentConfig config) {
        return config.model().startsPretrained() ? baseModel(config.model().initFrom()) : null;
    }

    private Path baseModel(String repoOrDir) {
        return HubModels.fromEnvironment(environment).resolve(repoOrDir);
    }

    private static Gpt2Architecture architecture(Path modelDirectory) {
        try {
            return Gpt2Import.architecture(modelDirectory);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new UsageError("cannot start from " + modelDirectory + ": " + e.getMessage());
        }
    }

    private ExperimentConfig base(String defaultPreset) {
        if (source.configFile != null) {
            Path file = source.configFile;
            if (!Files.isReadable(file)) {
                throw new UsageError("config file not found or unreadable: " + file);
            }
            try {
                return ExperimentJson.read(Files.readAllBytes(file));
            } catch (JsonProcessingException e) {
                throw new UsageError("config file " + file + " is not a valid experiment config: "
                        + e.getOriginalMessage());
            } catch (IOException e) {
                throw new UsageError("config file " + file + " could not be read: " + e.getMessage());
            }
        }
        String name = source.preset != null ? source.preset : defaultPreset;
        try {
            return Presets.get(name);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage() + " (collapse presets describes them)");
        }
    }
}
