package io.collapselab.service;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.artifacts.StoredObject;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.RunInputs;
import io.collapselab.lm.model.Checkpoint;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.model.ModelSource;
import io.collapselab.lm.pretrained.Gpt2Import;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * A run's objects, read only from where the layout puts them and always checked against the digest an event
 * carries: the inputs the submitter uploaded, the checkpoints (weights and training state apart), the corpora and
 * the token ids of the corpora.
 *
 * <p>Checkpoints, whose size grows with the model, are streamed between the engine's memory and the store
 * ({@link #checkpointSource}, {@link #trainingSource}, {@link #storeCheckpoint}), never held as one array, and are
 * not kept: the trainer reads generation g back from the store when it trains g+1. A run's inputs are read again
 * and again by the same process (the trainer's mix, the evaluator's held-out text); they never change once stored
 * and are always asked for by digest, so they stay in memory once downloaded and verified, the most recently used
 * ones up to {@value #CACHE_BYTES} bytes in all. Corpora are read once per process and are not kept.
 */
@ApplicationScoped
public class RunArtifacts {

    /** Name of the real training text among a run's inputs, as the submitter uploads it. */
    public static final String TRAIN_INPUT = "train.txt";
    /** Name of the real held-out text among a run's inputs. */
    public static final String HELDOUT_INPUT = "heldout.txt";
    static final long CACHE_BYTES = 256L << 20;

    private final ArtifactStore store;
    private final Path modelCache;
    /** Verified objects by URI and digest, least recently used first. */
    private final LinkedHashMap<String, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true);
    private long cachedBytes;

    @Inject
    RunArtifacts(ArtifactStore store, CollapseConfig config) {
        this(store, Path.of(config.modelCache()));
    }

    RunArtifacts(ArtifactStore store, Path modelCache) {
        this.store = store;
        this.modelCache = modelCache;
    }

    /** The real training text of a run. */
    public byte[] trainText(Run run) {
        return input(run, run.request().inputs().train(), TRAIN_INPUT, "inputs.train");
    }

    /** The real held-out text of a run. */
    public byte[] heldoutText(Run run) {
        return input(run, run.request().inputs().heldout(), HELDOUT_INPUT, "inputs.heldout");
    }

    /**
     * The directory of the pretrained model a run starts from, or {@code null} for a run from fresh weights. The
     * model's files are downloaded once per process into {@code collapse.model-cache} (a directory named by their
     * digests, so runs that start from the same model share it), each verified against the digest of the run's
     * {@code RunRequested}; a file that is already there was verified when it was written.
     */
    public Path baseModel(Run run) {
        RunInputs.BaseModel base = run.request().inputs().baseModel();
        if (base == null) {
            return null;
        }
        Path directory = modelCache.resolve(base.config().sha256() + "-" + base.weights().sha256());
        download(base.config(), Gpt2Import.CONFIG_FILE, directory);
        download(base.weights(), Gpt2Import.WEIGHTS_FILE, directory);
        return directory;
    }

    private void download(ObjectRef ref, String name, Path directory) {
        ObjectKey key = ObjectKey.modelFile(ref.sha256(), name);
        requireAt(ref, key, "inputs.baseModel");
        Path target = directory.resolve(name);
        synchronized (modelCache) {
            if (Files.exists(target)) {
                return;
            }
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new UncheckedIOException("could not create the model cache " + directory + ": "
                        + e.getMessage(), e);
            }
            // getTo writes beside the target and moves it in only once the digest matched.
            store.getTo(key, ref.sha256(), target);
        }
    }

    /**
     * The weights of a generation's checkpoint in memory, as identified by the digest an event gives for it: for
     * what needs the bytes themselves (an anchored run's generation 0); a model is read with
     * {@link #checkpointSource}.
     */
    public byte[] checkpoint(String runId, int generation, String sha256) {
        return store.get(ObjectKey.checkpoint(runId, generation), sha256);
    }

    /** The checkpoint an event points at, in memory, which must be the generation's checkpoint. */
    public byte[] checkpoint(String runId, int generation, ObjectRef ref) {
        ObjectKey key = ObjectKey.checkpoint(runId, generation);
        requireAt(ref, key, "checkpoint");
        return checkpoint(runId, generation, ref.sha256());
    }

    /**
     * A generation's model for sampling and evaluation, streamed from its weights object into the engine and
     * verified against the digest an event gives for it (a model whose object does not match is closed and never
     * handed out).
     */
    public ModelSource checkpointSource(String runId, int generation, String sha256) {
        ObjectKey key = ObjectKey.checkpoint(runId, generation);
        return () -> store.read(key, sha256, Checkpoint::read);
    }

    /** {@link #checkpointSource(String, int, String)} of the checkpoint an event points at, at the layout's key. */
    public ModelSource checkpointSource(String runId, int generation, ObjectRef ref) {
        requireAt(ref, ObjectKey.checkpoint(runId, generation), "checkpoint");
        return checkpointSource(runId, generation, ref.sha256());
    }

    /**
     * A generation's model to train further: its weights and then its training state (which its
     * {@code CheckpointPublished} points at, beside the weights), each streamed and verified against its digest.
     */
    public ModelSource trainingSource(String runId, int generation, String weightsSha256, ObjectRef trainingState) {
        ObjectKey stateKey = ObjectKey.trainingState(runId, generation);
        requireAt(trainingState, stateKey, "trainingState");
        ModelSource weights = checkpointSource(runId, generation, weightsSha256);
        return () -> {
            LanguageModel model = weights.open();
            try {
                return store.read(stateKey, trainingState.sha256(), in -> {
                    Checkpoint.readTrainingState(model, in);
                    return model;
                });
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        };
    }

    /** The corpus of a generation, as identified by the digest an event gives for it. */
    public byte[] corpus(String runId, int generation, String sha256) {
        return store.get(ObjectKey.corpus(runId, generation), sha256);
    }

    /** The corpus an event points at, which must be the generation's corpus. */
    public byte[] corpus(String runId, int generation, ObjectRef ref) {
        ObjectKey key = ObjectKey.corpus(runId, generation);
        requireAt(ref, key, "corpus");
        return store.get(key, ref.sha256());
    }

    /** The token ids a corpus was decoded from, which an event points at; they must lie beside the corpus. */
    public byte[] corpusTokens(String runId, int generation, ObjectRef ref) {
        ObjectKey key = ObjectKey.corpusTokens(runId, generation);
        requireAt(ref, key, "tokens");
        return store.get(key, ref.sha256());
    }

    /**
     * Stores both objects of a model's checkpoint, streamed from the engine's memory, the training state first, so
     * that weights an event may name never lack theirs; storing the same content again is a no-op, other content a
     * conflict.
     */
    public StoredCheckpoint storeCheckpoint(String runId, int generation, LanguageModel model) {
        StoredObject state = store.put(ObjectKey.trainingState(runId, generation),
                out -> Checkpoint.writeTrainingState(model, out));
        StoredObject stored = store.put(ObjectKey.checkpoint(runId, generation),
                out -> Checkpoint.writeWeights(model, out));
        return new StoredCheckpoint(ref(stored), ref(state));
    }

    /** Where the two objects of a stored checkpoint are, as {@code CheckpointPublished} names them. */
    public record StoredCheckpoint(ObjectRef checkpoint, ObjectRef trainingState) {
    }

    /** Stores a corpus; storing the same bytes again is a no-op, different bytes a conflict. */
    public ObjectRef storeCorpus(String runId, int generation, byte[] corpus) {
        return ref(store.put(ObjectKey.corpus(runId, generation), corpus));
    }

    /** Stores the token ids of a corpus beside it; as for the corpus, the same bytes again are a no-op. */
    public ObjectRef storeCorpusTokens(String runId, int generation, byte[] tokens) {
        return ref(store.put(ObjectKey.corpusTokens(runId, generation), tokens));
    }

    /**
     * Checks that an event points at the object the layout says it must, so that a service never reads an object
     * merely because an event named it.
     *
     * @throws IllegalArgumentException when it points elsewhere
     */
    private void requireAt(ObjectRef ref, ObjectKey expected, String field) {
        String uri = expected.toUri(store.settings().bucket());
        if (!uri.equals(ref.uri())) {
            throw new IllegalArgumentException(field + ".uri must be " + uri + ", was " + ref.uri());
        }
    }

    private byte[] input(Run run, ObjectRef ref, String name, String field) {
        ObjectKey key = ObjectKey.input(run.runId(), name);
        requireAt(ref, key, field);
        return cached(key, ref.sha256()).orElseGet(() -> {
            // Downloaded outside the lock: another run's handler need not wait for it. Two handlers of one run may
            // both download it once; both copies are verified and equal.
            byte[] content = store.get(key, ref.sha256());
            keep(key, ref.sha256(), content);
            return content;
        });
    }

    private Optional<byte[]> cached(ObjectKey key, String sha256) {
        synchronized (cache) {
            return Optional.ofNullable(cache.get(cacheKey(key, sha256)));
        }
    }

    private void keep(ObjectKey key, String sha256, byte[] content) {
        synchronized (cache) {
            if (content.length <= CACHE_BYTES && cache.putIfAbsent(cacheKey(key, sha256), content) == null) {
                cachedBytes += content.length;
                Iterator<byte[]> eldest = cache.values().iterator();
                while (cachedBytes > CACHE_BYTES) {
                    cachedBytes -= eldest.next().length;
                    eldest.remove();
                }
            }
        }
    }

    private String cacheKey(ObjectKey key, String sha256) {
        return key.toUri(store.settings().bucket()) + "@" + sha256;
    }

    private static ObjectRef ref(StoredObject stored) {
        return new ObjectRef(stored.uri(), stored.sha256(), stored.size());
    }
}
