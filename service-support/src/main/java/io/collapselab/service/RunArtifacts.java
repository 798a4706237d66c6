package io.collapselab.service;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.artifacts.StoredObject;
import io.collapselab.events.ObjectRef;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * A run's objects, read only from where the layout puts them and always checked against the digest an event
 * carries: the inputs the submitter uploaded, the checkpoints and the corpora.
 *
 * <p>A run's inputs are read again in every generation (the trainer's mix, the evaluator's held-out text), never
 * change, and are named by their digest in {@code RunRequested}; so the most recently used ones stay in memory, up
 * to {@value #INPUT_CACHE_BYTES} bytes, and are downloaded and verified once per run rather than once per
 * generation.
 */
@ApplicationScoped
public class RunArtifacts {

    /** Name of the real training text among a run's inputs, as the submitter uploads it. */
    public static final String TRAIN_INPUT = "train.txt";
    /** Name of the real held-out text among a run's inputs. */
    public static final String HELDOUT_INPUT = "heldout.txt";
    static final long INPUT_CACHE_BYTES = 256L << 20;

    private final ArtifactStore store;
    /** Verified inputs by key and digest, least recently used first. */
    private final LinkedHashMap<String, byte[]> inputs = new LinkedHashMap<>(16, 0.75f, true);
    private long cachedBytes;

    RunArtifacts(ArtifactStore store) {
        this.store = store;
    }

    /** The real training text of a run. */
    public byte[] trainText(Run run) {
        return input(run, run.request().inputs().train(), TRAIN_INPUT, "inputs.train");
    }

    /** The real held-out text of a run. */
    public byte[] heldoutText(Run run) {
        return input(run, run.request().inputs().heldout(), HELDOUT_INPUT, "inputs.heldout");
    }

    /** The checkpoint of a generation, as identified by the digest an event gives for it. */
    public byte[] checkpoint(String runId, int generation, String sha256) {
        return store.get(ObjectKey.checkpoint(runId, generation), sha256);
    }

    /** The checkpoint an event points at, which must be the generation's checkpoint. */
    public byte[] checkpoint(String runId, int generation, ObjectRef ref) {
        ObjectKey key = ObjectKey.checkpoint(runId, generation);
        requireAt(ref, key, "checkpoint");
        return store.get(key, ref.sha256());
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

    /** Stores a checkpoint; storing the same bytes again is a no-op, different bytes a conflict. */
    public ObjectRef storeCheckpoint(String runId, int generation, byte[] checkpoint) {
        return ref(store.put(ObjectKey.checkpoint(runId, generation), checkpoint));
    }

    /** Stores a corpus; storing the same bytes again is a no-op, different bytes a conflict. */
    public ObjectRef storeCorpus(String runId, int generation, byte[] corpus) {
        return ref(store.put(ObjectKey.corpus(runId, generation), corpus));
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
        String cacheKey = ref.uri() + "@" + ref.sha256();
        synchronized (inputs) {
            byte[] cached = inputs.get(cacheKey);
            if (cached != null) {
                return cached;
            }
        }
        // Downloaded outside the lock: another run's handler need not wait for it. Two handlers of one run may
        // both download it once; both copies are verified and equal.
        byte[] content = store.get(key, ref.sha256());
        synchronized (inputs) {
            if (content.length <= INPUT_CACHE_BYTES && inputs.putIfAbsent(cacheKey, content) == null) {
                cachedBytes += content.length;
                Iterator<byte[]> eldest = inputs.values().iterator();
                while (cachedBytes > INPUT_CACHE_BYTES) {
                    cachedBytes -= eldest.next().length;
                    eldest.remove();
                }
            }
        }
        return content;
    }

    private static ObjectRef ref(StoredObject stored) {
        return new ObjectRef(stored.uri(), stored.sha256(), stored.size());
    }
}
