package io.collapselab.service;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.artifacts.StoredObject;
import io.collapselab.events.ObjectRef;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A run's objects, read only from where the layout puts them and always checked against the digest an event
 * carries: the inputs the submitter uploaded, the checkpoints and the corpora.
 */
@ApplicationScoped
public class RunArtifacts {

    /** Name of the real training text among a run's inputs, as the submitter uploads it. */
    public static final String TRAIN_INPUT = "train.txt";
    /** Name of the real held-out text among a run's inputs. */
    public static final String HELDOUT_INPUT = "heldout.txt";

    private final ArtifactStore store;

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
        return store.get(key, ref.sha256());
    }

    private static ObjectRef ref(StoredObject stored) {
        return new ObjectRef(stored.uri(), stored.sha256(), stored.size());
    }
}
