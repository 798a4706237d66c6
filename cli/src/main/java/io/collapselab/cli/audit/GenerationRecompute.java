package io.collapselab.cli.audit;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ArtifactStoreException;
import io.collapselab.artifacts.DigestMismatchException;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.artifacts.ObjectNotFoundException;
import io.collapselab.cli.audit.Discrepancy.Kind;
import io.collapselab.cli.audit.Recomputation.DigestComparison;
import io.collapselab.cli.runs.RunLog.Generation;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.RunInputs;
import io.collapselab.events.RunRequested;
import io.collapselab.experiment.CurationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.lm.ComputeEnvironment;
import io.collapselab.lm.Sha256;
import io.collapselab.lm.loop.AnchorInputs;
import io.collapselab.lm.loop.GenerationSteps;
import io.collapselab.lm.loop.Progress;
import io.collapselab.lm.loop.TrainingMix;
import io.collapselab.lm.model.Checkpoint;
import io.collapselab.lm.pretrained.Gpt2Import;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.sample.CorpusTokens;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Re-executes one generation in this process with exactly the functions and seeds the services use
 * ({@link GenerationSteps}, {@link TrainingMix}, {@link Rng#derive}), from the run's recorded, verified inputs:
 * generation 0 from the training text, generation g from checkpoint g-1 and the training mix of corpora 0..g-1.
 * A checkpoint on the way that the run's retention policy removed is recomputed first, from the nearest kept ancestor,
 * and must give its recorded digest again.
 * The corpus is re-sampled from the generation's checkpoint, so the generator's step is checked as well as the
 * trainer's.
 */
final class GenerationRecompute {

    /** The recomputation and the mismatches it found. */
    record Outcome(Recomputation recomputation, List<Discrepancy> discrepancies) {
    }

    private final ArtifactStore store;
    private final RunLog log;
    private final int generation;
    private final int intraOpThreads;
    private final Function<String, String> environment;
    private final Retention retention;

    GenerationRecompute(ArtifactStore store, RunLog log, int generation, int intraOpThreads,
                        Function<String, String> environment) {
        this.store = store;
        this.log = log;
        this.generation = generation;
        this.intraOpThreads = intraOpThreads;
        this.environment = environment;
        this.retention = Retention.of(log);
    }

    /**
     * @throws AuditException when the log does not say what to recompute (no request, no such generation), the
     *                        object store fails, or the computation itself fails
     */
    Outcome run(Progress progress) {
        RunRequested request = log.request().orElseThrow(() -> new AuditException(
                "cannot recompute generation " + generation + " of run " + log.runId() + ": the log holds no sound"
                        + " RunRequested, so its config is unknown"));
        Generation target = log.generation(generation).filter(g -> g.checkpoint() != null)
                .orElseThrow(() -> new AuditException("cannot recompute generation " + generation + " of run "
                        + log.runId() + ": the log has no checkpoint of it (" + checkpointRange() + ")"));
        try {
            return recompute(request.config(), request, target, progress);
        } catch (AuditException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AuditException("recomputing generation " + generation + " of run " + log.runId() + " failed: "
                    + e.getMessage(), e);
        }
    }

    private Outcome recompute(ExperimentConfig config, RunRequested request, Generation target, Progress progress) {
        Optional<byte[]> train = verified(request.inputs().train());
        if (train.isEmpty()) {
            return notRecomputed("the training text is missing or altered");
        }
        List<Discrepancy> mismatches = new ArrayList<>();
        List<Integer> recomputedAncestors = new ArrayList<>();
        GenerationSteps.TrainedCheckpoint trained;
        try {
            trained = train(new Inputs(config, request, train.get(), progress, mismatches, recomputedAncestors),
                    generation);
        } catch (NotRecomputable e) {
            return new Outcome(new Recomputation(generation, intraOpThreads, null, null, "generation " + generation
                    + " was not recomputed: " + e.getMessage() + " (see the discrepancies)"), mismatches);
        }
        CheckpointPublished recordedCheckpoint = target.checkpoint();
        DigestComparison checkpoint = DigestComparison.of(recordedCheckpoint.checkpoint().sha256(),
                trained.sha256());
        if (!checkpoint.matches()) {
            mismatches.add(new Discrepancy(Kind.RECOMPUTE_MISMATCH, generation, log.locationOf(recordedCheckpoint),
                    "recomputing generation " + generation + " gave checkpoint " + checkpoint.recomputed() + ", but "
                            + RunLog.label(recordedCheckpoint) + " records " + checkpoint.recorded()));
        }
        ObjectRef recordedState = recordedCheckpoint.trainingState();
        if (recordedState != null && !recordedState.sha256().equals(trained.trainingStateSha256())) {
            mismatches.add(new Discrepancy(Kind.RECOMPUTE_MISMATCH, generation, log.locationOf(recordedCheckpoint),
                    "recomputing generation " + generation + " gave training state "
                            + trained.trainingStateSha256() + ", but " + RunLog.label(recordedCheckpoint)
                            + " records " + recordedState.sha256()));
        }
        List<String> notes = new ArrayList<>();
        if (!recomputedAncestors.isEmpty()) {
            notes.add("checkpoint" + (recomputedAncestors.size() == 1 ? " " : "s ")
                    + recomputedAncestors.stream().sorted().map(String::valueOf).collect(Collectors.joining(", "))
                    + ", removed by the retention policy, recomputed on the way from the nearest kept ancestor, each"
                    + " with its recorded digests");
        }
        DigestComparison corpus = null;
        CorpusGenerated recordedCorpus = target.corpus();
        if (recordedCorpus == null) {
            notes.add("the log has no corpus of generation " + generation + " to compare with");
        } else {
            // Sampling needs the checkpoint with the recorded digest: the recomputed one if it is that, else the
            // stored one if it still is.
            Optional<byte[]> source = checkpoint.matches()
                    ? Optional.of(trained.checkpoint())
                    : verified(recordedCheckpoint.checkpoint());
            CurationSettings curation = config.sampling().curation();
            boolean banded = curation != null && curation.filtersPerplexity();
            Optional<byte[]> reference = banded ? generation0(source) : Optional.empty();
            if (source.isEmpty()) {
                notes.add("corpus " + generation + " was not re-sampled: no checkpoint with the recorded digest is"
                        + " at hand");
            } else if (banded && reference.isEmpty()) {
                notes.add("corpus " + generation + " was not re-sampled: its curation scores samples under"
                        + " generation 0, but checkpoint 0 is absent from the log, missing or altered");
            } else {
                int corpusTokens = GenerationSteps.corpusTokens(config, Checkpoint.readTokenizer(source.get()),
                        train::get);
                GenerationSteps.SampledCorpus sampled = GenerationSteps.sample(config, source.get(),
                        reference.orElse(null), corpusTokens, generation, progress);
                if (!Objects.equals(recordedCorpus.curation(), sampled.curation())) {
                    mismatches.add(new Discrepancy(Kind.RECOMPUTE_MISMATCH, generation,
                            log.locationOf(recordedCorpus), "re-sampling generation " + generation
                                    + " curated " + sampled.curation() + ", but " + RunLog.label(recordedCorpus)
                                    + " records " + recordedCorpus.curation()));
                }
                corpus = DigestComparison.of(recordedCorpus.corpus().sha256(), sampled.sha256());
                if (!corpus.matches()) {
                    mismatches.add(new Discrepancy(Kind.RECOMPUTE_MISMATCH, generation,
                            log.locationOf(recordedCorpus), "re-sampling generation " + generation
                                    + " from its checkpoint gave corpus " + corpus.recomputed() + ", but "
                                    + RunLog.label(recordedCorpus) + " records " + corpus.recorded()));
                } else if (recordedCorpus.tokens() != null) {
                    String tokens = Sha256.hex(CorpusTokens.toBytes(sampled.tokens()));
                    if (!tokens.equals(recordedCorpus.tokens().sha256())) {
                        mismatches.add(new Discrepancy(Kind.RECOMPUTE_MISMATCH, generation,
                                log.locationOf(recordedCorpus), "re-sampling generation " + generation
                                        + " gave the recorded corpus from token ids " + tokens + ", but "
                                        + RunLog.label(recordedCorpus) + " records ids "
                                        + recordedCorpus.tokens().sha256()));
                    }
                }
            }
        }
        if (!mismatches.isEmpty()) {
            notes.add(determinismNote());
        }
        return new Outcome(new Recomputation(generation, intraOpThreads, checkpoint, corpus,
                String.join("; ", notes)), mismatches);
    }

    /**
     * Generation 0's checkpoint, the reference of a perplexity band, verified against the log: {@code source}
     * itself when this is generation 0; empty where it is not at hand (retention never removes it).
     */
    private Optional<byte[]> generation0(Optional<byte[]> source) {
        return generation == 0 ? source : log.generation(0)
                .map(Generation::checkpoint)
                .flatMap(checkpoint -> verified(checkpoint.checkpoint()));
    }

    /** What recomputing a generation reads and what it reports into, shared by the ancestors it recomputes. */
    private record Inputs(ExperimentConfig config, RunRequested request, byte[] train, Progress progress,
                          List<Discrepancy> mismatches, List<Integer> recomputedAncestors) {
    }

    /** Why a generation cannot be recomputed: an input that is absent from the log, missing or altered. */
    private static final class NotRecomputable extends RuntimeException {
        NotRecomputable(String reason) {
            super(reason);
        }
    }

    /** Trains generation {@code g} from its recorded inputs, exactly as the trainer did. */
    private GenerationSteps.TrainedCheckpoint train(Inputs in, int g) {
        ExperimentConfig config = in.config();
        if (g == 0) {
            Optional<Path> baseModel = baseModel(in.request().inputs().baseModel());
            if (config.model().startsPretrained() && baseModel.isEmpty()) {
                throw new NotRecomputable("the base model is missing or altered");
            }
            try {
                return GenerationSteps.pretrain(config, in.train(), baseModel.orElse(null), in.progress());
            } finally {
                baseModel.ifPresent(GenerationRecompute::deleteDirectory);
            }
        }
        Stored parent = checkpoint(in, g - 1);
        List<byte[]> corpora = new ArrayList<>();
        for (int c : TrainingMix.corpusGenerations(config.mixing(), g)) {
            corpora.add(log.generation(c)
                    .map(Generation::corpus)
                    .flatMap(recorded -> verified(recorded.corpus()))
                    .orElseThrow(() -> new NotRecomputable("corpus " + c + " is absent from the log, missing or"
                            + " altered")));
        }
        byte[] mix = TrainingMix.forGeneration(config, in.train(), corpora, g);
        AnchorInputs anchors = config.selfTraining().anchored()
                ? new AnchorInputs(g == 1 ? parent.weights() : checkpoint(in, 0).weights(), in.train())
                : null;
        return GenerationSteps.trainNext(config, parent.weights(), parent.trainingState(), mix, g, anchors,
                in.progress());
    }

    /** A checkpoint's two objects, weights and training state, each with its recorded digest. */
    private record Stored(byte[] weights, byte[] trainingState) {
    }

    /**
     * Checkpoint {@code g}'s objects with their recorded digests: the stored ones, or, where the retention policy
     * removed them, the checkpoint recomputed from the nearest kept ancestor, which must give the recorded digests
     * again.
     */
    private Stored checkpoint(Inputs in, int g) {
        CheckpointPublished recorded = log.generation(g).map(Generation::checkpoint)
                .orElseThrow(() -> new NotRecomputable("checkpoint " + g + " is absent from the log"));
        if (recorded.trainingState() == null) {
            throw new NotRecomputable("checkpoint " + g + " was published without a training-state object (event"
                    + " schema version " + recorded.schemaVersion() + "); recompute it with the collapse-lab build"
                    + " that ran it");
        }
        Optional<byte[]> weights = verified(recorded.checkpoint());
        Optional<byte[]> state = verified(recorded.trainingState());
        if (weights.isPresent() && state.isPresent()) {
            return new Stored(weights.get(), state.get());
        }
        if (!retention.mayHaveRemovedCheckpoint(g) || exists(recorded.checkpoint())
                || exists(recorded.trainingState())) {
            throw new NotRecomputable((weights.isEmpty() ? "checkpoint " : "the training state of checkpoint ") + g
                    + " is missing or altered");
        }
        GenerationSteps.TrainedCheckpoint again = train(in, g);
        if (!again.sha256().equals(recorded.checkpoint().sha256())
                || !again.trainingStateSha256().equals(recorded.trainingState().sha256())) {
            in.mismatches().add(new Discrepancy(Kind.RECOMPUTE_MISMATCH, g, log.locationOf(recorded),
                    "recomputing checkpoint " + g + ", removed by the retention policy, gave weights "
                            + again.sha256() + " and training state " + again.trainingStateSha256() + ", but "
                            + RunLog.label(recorded) + " records " + recorded.checkpoint().sha256() + " and "
                            + recorded.trainingState().sha256()));
            throw new NotRecomputable("checkpoint " + g + ", removed by the retention policy, did not recompute to"
                    + " its recorded digests");
        }
        in.recomputedAncestors().add(g);
        return new Stored(again.checkpoint(), again.trainingState());
    }

    private Outcome notRecomputed(String reason) {
        return new Outcome(new Recomputation(generation, intraOpThreads, null, null, "generation " + generation
                + " was not recomputed: " + reason + " (see the discrepancies)"), List.of());
    }

    /**
     * The base model's files in a directory of their own, each verified against its recorded digest; empty when
     * the run starts from fresh weights or a file is missing or altered.
     */
    private Optional<Path> baseModel(RunInputs.BaseModel base) {
        if (base == null) {
            return Optional.empty();
        }
        Path directory;
        try {
            directory = Files.createTempDirectory("collapse-audit-model-");
        } catch (IOException e) {
            throw new AuditException("could not create a directory for the base model: " + e.getMessage(), e);
        }
        try {
            store.getTo(ObjectKey.modelFile(base.config().sha256(), Gpt2Import.CONFIG_FILE), base.config().sha256(),
                    directory.resolve(Gpt2Import.CONFIG_FILE));
            store.getTo(ObjectKey.modelFile(base.weights().sha256(), Gpt2Import.WEIGHTS_FILE),
                    base.weights().sha256(), directory.resolve(Gpt2Import.WEIGHTS_FILE));
            return Optional.of(directory);
        } catch (ObjectNotFoundException | DigestMismatchException | IllegalArgumentException e) {
            // Reported by the object checks; here it only means the base model is not at hand.
            deleteDirectory(directory);
            return Optional.empty();
        } catch (ArtifactStoreException e) {
            deleteDirectory(directory);
            throw new AuditException("could not read the base model from the object store: " + e.getMessage(), e);
        }
    }

    private static void deleteDirectory(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // A leftover temporary directory costs disk space, not correctness.
        }
    }

    /** Whether anything is stored where the reference points (altered or not). */
    private boolean exists(ObjectRef ref) {
        try {
            return store.exists(ObjectKey.parseUri(ref.uri(), store.settings().bucket()));
        } catch (IllegalArgumentException e) {
            return true;
        } catch (ArtifactStoreException e) {
            throw new AuditException("could not read " + ref.uri() + " from the object store: " + e.getMessage(),
                    e);
        }
    }

    /** The bytes of a recorded object when it exists with its recorded digest. */
    private Optional<byte[]> verified(ObjectRef ref) {
        try {
            return Optional.of(store.get(ObjectKey.parseUri(ref.uri(), store.settings().bucket()), ref.sha256()));
        } catch (ObjectNotFoundException | DigestMismatchException | IllegalArgumentException e) {
            // Reported by the object checks; here it only means the input is not at hand.
            return Optional.empty();
        } catch (ArtifactStoreException e) {
            throw new AuditException("could not read " + ref.uri() + " from the object store: " + e.getMessage(),
                    e);
        }
    }

    private String determinismNote() {
        List<String> unset = ComputeEnvironment.DETERMINISTIC_MATH.entrySet().stream()
                .filter(setting -> !setting.getValue().equalsIgnoreCase(environment.apply(setting.getKey())))
                .map(setting -> setting.getKey() + "=" + setting.getValue())
                .sorted()
                .toList();
        return "digests are bit-identical only with the intra-op thread count the services used (here "
                + intraOpThreads + "; pass --threads) and with MKL_CBWR=AUTO, MKL_DYNAMIC=FALSE and OMP_DYNAMIC=FALSE"
                + " in the environment (docs/determinism.md)"
                + (unset.isEmpty() ? "" : "; not set here: " + String.join(", ", unset));
    }

    private String checkpointRange() {
        List<Integer> withCheckpoint = log.generations().stream()
                .filter(g -> g.checkpoint() != null)
                .map(Generation::generation)
                .toList();
        return withCheckpoint.isEmpty()
                ? "it has none"
                : "it has checkpoints of generations " + withCheckpoint.get(0) + ".."
                        + withCheckpoint.get(withCheckpoint.size() - 1);
    }
}
