package io.collapselab.cli.audit;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ArtifactStoreException;
import io.collapselab.artifacts.DigestMismatchException;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.cli.audit.Discrepancy.Kind;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.cli.runs.RunLog.Generation;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.json.EventCopies;
import io.collapselab.events.json.EventJson;
import io.collapselab.events.json.MalformedEventException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks the events the services saved beside a run's objects against the events of the log. The services read
 * them back (a redelivered event republishes its saved one, the trainer finds earlier corpora of {@code accumulate}
 * through them, and every consumer acts only on an event that matches its saved copy), so a saved event that is
 * missing, unreadable or differs from the log's changes what the services do, even where every object still
 * verifies.
 */
final class SavedEventVerification {

    private SavedEventVerification() {
    }

    /**
     * The discrepancies of the saved events of the log's checkpoints, corpora, evaluations and completion.
     *
     * @throws AuditException when the object store fails for another reason than a missing object
     */
    static List<Discrepancy> verify(ArtifactStore store, RunLog log) {
        List<Discrepancy> discrepancies = new ArrayList<>();
        for (Generation g : log.generations()) {
            for (CollapseEvent event : new CollapseEvent[] {g.checkpoint(), g.corpus(), g.evaluation()}) {
                if (event != null) {
                    check(store, log, event, discrepancies);
                }
            }
        }
        log.completion().ifPresent(completion -> check(store, log, completion, discrepancies));
        return discrepancies;
    }

    private static void check(ArtifactStore store, RunLog log, CollapseEvent event, List<Discrepancy> found) {
        ObjectKey key = ObjectKey.generationFile(log.runId(), event.generation(), fileName(event));
        String label = RunLog.label(event);
        Integer generation = event.generation();
        Optional<byte[]> saved;
        try {
            saved = store.stat(key).map(stored -> store.get(key, stored.sha256()));
        } catch (DigestMismatchException e) {
            found.add(new Discrepancy(Kind.SAVED_EVENT_MISMATCH, generation, log.locationOf(event), "the saved copy"
                    + " of " + label + " at " + key.key() + " has sha256 " + e.actualSha256() + ", but was written"
                    + " as " + e.expectedSha256() + ": it was changed after it was written"));
            return;
        } catch (ArtifactStoreException e) {
            throw new AuditException("could not read " + key.key() + " from the object store: " + e.getMessage(), e);
        }
        if (saved.isEmpty()) {
            found.add(new Discrepancy(Kind.SAVED_EVENT_MISMATCH, generation, log.locationOf(event), label
                    + " has no saved copy at " + key.key() + ": a redelivery would recompute it, and consumers"
                    + " refuse it"));
            return;
        }
        CollapseEvent copy;
        try {
            copy = EventJson.readEvent(saved.get());
        } catch (MalformedEventException e) {
            found.add(new Discrepancy(Kind.SAVED_EVENT_MISMATCH, generation, log.locationOf(event), "the saved copy"
                    + " of " + label + " at " + key.key() + " is not an event: " + e.getMessage()));
            return;
        }
        List<String> differences = EventCopies.differences(event, copy);
        if (!differences.isEmpty()) {
            found.add(new Discrepancy(Kind.SAVED_EVENT_MISMATCH, generation, log.locationOf(event), "the saved copy"
                    + " of " + label + " at " + key.key() + " differs from the log's in "
                    + String.join(", ", differences)));
        }
    }

    private static String fileName(CollapseEvent event) {
        return switch (event.type()) {
            case CHECKPOINT_PUBLISHED -> ObjectKey.CHECKPOINT_EVENT;
            case CORPUS_GENERATED -> ObjectKey.CORPUS_EVENT;
            case EVALUATION_COMPLETED -> ObjectKey.EVALUATION_EVENT;
            case RUN_COMPLETED -> ObjectKey.RUN_COMPLETED_EVENT;
            case RUN_REQUESTED -> throw new IllegalArgumentException("a RunRequested is not saved beside objects");
        };
    }
}
