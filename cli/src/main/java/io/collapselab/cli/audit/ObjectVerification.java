package io.collapselab.cli.audit;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ArtifactStoreException;
import io.collapselab.artifacts.DigestMismatchException;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.artifacts.ObjectNotFoundException;
import io.collapselab.cli.audit.Discrepancy.Kind;
import io.collapselab.cli.runs.RunLog.Generation;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.RunInputs;
import io.collapselab.events.RunRequested;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.MixingSettings;
import io.collapselab.lm.Sha256;
import io.collapselab.lm.loop.TrainingMix;
import io.collapselab.lm.pretrained.Gpt2Import;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks every object the run's accepted events name: the inputs, each generation's checkpoint, corpus and the
 * token ids the corpus was decoded from. An object must lie where the layout puts it, exist, and have the digest and
 * size of the event that named it; the bytes are read in full, since only the bytes tell whether they still have
 * their digest.
 *
 * <p>Under every policy but {@code replace} a checkpoint's {@code trainedOnSha256} is the digest of its training
 * mix, which only the texts tell: the mix is rebuilt with {@link TrainingMix}, exactly as the trainer builds it
 * (an {@code accumulate-subsample} draw from the same seed), from the verified training text and corpora. (Under
 * {@code replace} the mix is the previous corpus, which {@link RunLog#lineageBreaks} checks from the events alone.)
 *
 * <p>A checkpoint that the run's retention policy allowed the trainer to remove ({@link Retention}) and that is gone
 * is reported as removed, not as missing.
 */
final class ObjectVerification {

    private final ArtifactStore store;
    private final RunLog log;
    private final String bucket;
    private final List<Discrepancy> discrepancies = new ArrayList<>();
    private final List<RemovedObject> removed = new ArrayList<>();

    /** What the object checks found wrong, and what the retention policy removed. */
    record Findings(List<Discrepancy> discrepancies, List<RemovedObject> removedByPolicy) {
    }

    private ObjectVerification(ArtifactStore store, RunLog log) {
        this.store = store;
        this.log = log;
        this.bucket = store.settings().bucket();
    }

    /**
     * The discrepancies of the run's objects, and the objects its retention policy removed.
     *
     * @throws AuditException when the object store fails for another reason than a missing or altered object
     */
    static Findings verify(ArtifactStore store, RunLog log) {
        ObjectVerification verification = new ObjectVerification(store, log);
        verification.run();
        return new Findings(verification.discrepancies, verification.removed);
    }

    private void run() {
        String runId = log.runId();
        Optional<RunRequested> request = log.request();
        ExperimentConfig config = request.map(RunRequested::config).orElse(null);
        boolean mixNeedsTexts = config != null && !MixingSettings.REPLACE.equals(config.mixing().policy());
        byte[] train = null;
        if (request.isPresent()) {
            RunInputs inputs = request.get().inputs();
            train = fetch(inputs.train(), "the training text", request.get(), null);
            fetch(inputs.heldout(), "the held-out text", request.get(), null);
            RunInputs.BaseModel base = inputs.baseModel();
            if (base != null) {
                fetch(base.config(), "the base model's " + Gpt2Import.CONFIG_FILE, request.get(),
                        ObjectKey.modelFile(base.config().sha256(), Gpt2Import.CONFIG_FILE));
                fetch(base.weights(), "the base model's " + Gpt2Import.WEIGHTS_FILE, request.get(),
                        ObjectKey.modelFile(base.weights().sha256(), Gpt2Import.WEIGHTS_FILE));
            }
        }
        Retention retention = Retention.of(log);
        Map<Integer, byte[]> corpora = new HashMap<>();
        for (Generation g : log.generations()) {
            int n = g.generation();
            if (g.checkpoint() != null) {
                ObjectRef checkpoint = g.checkpoint().checkpoint();
                ObjectRef state = g.checkpoint().trainingState();
                if (retention.mayHaveRemovedCheckpoint(n) && isAbsent(checkpoint)
                        && (state == null || isAbsent(state))) {
                    removed.add(new RemovedObject(n, "checkpoint " + n, checkpoint.uri(), checkpoint.sha256(),
                            config.retention().describe()));
                } else {
                    fetch(checkpoint, "checkpoint " + n, g.checkpoint(), ObjectKey.checkpoint(runId, n));
                    if (state != null) {
                        fetch(state, "the training state of checkpoint " + n, g.checkpoint(),
                                ObjectKey.trainingState(runId, n));
                    }
                }
            }
            if (g.corpus() != null) {
                byte[] corpus = fetch(g.corpus().corpus(), "corpus " + n, g.corpus(),
                        ObjectKey.corpus(runId, n));
                if (g.corpus().tokens() != null) {
                    fetch(g.corpus().tokens(), "the token ids of corpus " + n, g.corpus(),
                            ObjectKey.corpusTokens(runId, n));
                }
                if (mixNeedsTexts && corpus != null) {
                    corpora.put(n, corpus);
                }
            }
        }
        if (mixNeedsTexts && train != null) {
            checkTrainingMixes(config, train, corpora);
        }
    }

    /** Whether nothing is stored under the key the reference names (a key outside the layout counts as present). */
    private boolean isAbsent(ObjectRef ref) {
        ObjectKey key;
        try {
            key = ObjectKey.parseUri(ref.uri(), bucket);
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            return store.stat(key).isEmpty();
        } catch (ArtifactStoreException e) {
            throw new AuditException("could not read " + ref.uri() + " from the object store: " + e.getMessage(),
                    e);
        }
    }

    /**
     * The object's bytes once verified, else {@code null} with the discrepancy recorded.
     *
     * @param expectedKey where the layout puts the object; {@code null} for inputs, whose names are the
     *                    submitter's choice
     */
    private byte[] fetch(ObjectRef ref, String what, CollapseEvent namedBy, ObjectKey expectedKey) {
        Integer generation = namedBy instanceof RunRequested ? null : namedBy.generation();
        String by = RunLog.label(namedBy);
        ObjectKey key;
        try {
            key = ObjectKey.parseUri(ref.uri(), bucket);
        } catch (IllegalArgumentException e) {
            add(Kind.WRONG_OBJECT_KEY, generation, namedBy, what + " named by " + by + ": " + e.getMessage());
            return null;
        }
        if (expectedKey != null && !expectedKey.equals(key)) {
            add(Kind.WRONG_OBJECT_KEY, generation, namedBy, by + " names " + what + " " + ref.uri()
                    + ", but the layout puts it at " + expectedKey.toUri(bucket));
        }
        byte[] bytes;
        try {
            bytes = store.get(key, ref.sha256());
        } catch (ObjectNotFoundException e) {
            add(Kind.MISSING_OBJECT, generation, namedBy, what + " " + ref.uri() + " named by " + by + " does not"
                    + " exist in the object store at " + store.settings().endpoint());
            return null;
        } catch (DigestMismatchException e) {
            add(Kind.DIGEST_MISMATCH, generation, namedBy, what + " " + ref.uri() + " has sha256 "
                    + e.actualSha256() + ", but " + by + " names " + e.expectedSha256() + ": the object was changed"
                    + " after it was written, or the event names other content");
            return null;
        } catch (ArtifactStoreException e) {
            throw new AuditException("could not read " + ref.uri() + " from the object store: " + e.getMessage(),
                    e);
        }
        if (bytes.length != ref.size()) {
            add(Kind.SIZE_MISMATCH, generation, namedBy, what + " " + ref.uri() + " has " + bytes.length
                    + " bytes and the digest " + by + " names, but " + by + " gives its size as " + ref.size());
        }
        return bytes;
    }

    private void checkTrainingMixes(ExperimentConfig config, byte[] train, Map<Integer, byte[]> corpora) {
        for (Generation g : log.generations()) {
            int n = g.generation();
            if (n == 0 || g.checkpoint() == null) {
                continue;
            }
            List<Integer> needed = TrainingMix.corpusGenerations(config.mixing(), n);
            // A corpus that is missing or altered has been reported; without it the mix cannot be rebuilt.
            if (!corpora.keySet().containsAll(needed)) {
                continue;
            }
            byte[] mix = TrainingMix.forGeneration(config, train, needed.stream().map(corpora::get).toList(), n);
            String mixSha = Sha256.hex(mix);
            CheckpointPublished checkpoint = g.checkpoint();
            if (!mixSha.equals(checkpoint.trainedOnSha256())) {
                add(Kind.LINEAGE_BREAK, n, checkpoint, RunLog.label(checkpoint) + " was trained on "
                        + checkpoint.trainedOnSha256() + ", but the " + config.mixing().policy() + " training mix of"
                        + " generation " + n + ", rebuilt from the training text and " + corporaNamed(needed) + ", is "
                        + mixSha);
            }
        }
    }

    private static String corporaNamed(List<Integer> generations) {
        return generations.size() == 1
                ? "corpus " + generations.get(0)
                : "corpora " + generations.get(0) + ".." + generations.get(generations.size() - 1);
    }

    private void add(Kind kind, Integer generation, CollapseEvent namedBy, String message) {
        discrepancies.add(new Discrepancy(kind, generation, log.locationOf(namedBy), message));
    }
}
