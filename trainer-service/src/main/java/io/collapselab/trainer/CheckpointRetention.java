package io.collapselab.trainer;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.experiment.RetentionSettings;
import io.collapselab.service.GenerationFiles;
import io.collapselab.service.ObjectOutbox;
import io.collapselab.service.Run;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Applies a run's {@code retention} policy as the run proceeds: generation h's checkpoint is removed once nothing
 * needs it any more, which takes two facts, whichever is recorded second triggers the removal:
 * <ul>
 *   <li>the trainer has published checkpoint h + {@code keepLast}, so h is out of the newest {@code keepLast} and the
 *       trainer itself is done with it (it trains h + 1 from h);</li>
 *   <li>the evaluator has recorded generation h's evaluation, so it is done with it too (the generator is done once
 *       corpus h exists, which training h + 1 needed).</li>
 * </ul>
 * Every {@code keepEvery}-th generation is never removed: recomputation starts from those. Removal is idempotent, so
 * a record handled twice removes nothing twice. Counted in {@code collapse.checkpoints.removed}
 * [{@code collapse_checkpoints_removed_total}].
 */
@ApplicationScoped
class CheckpointRetention {

    private static final Logger LOG = Logger.getLogger(CheckpointRetention.class);

    private final ArtifactStore store;
    private final GenerationFiles files;
    private final MeterRegistry meters;

    CheckpointRetention(ArtifactStore store, GenerationFiles files, MeterRegistry meters) {
        this.store = store;
        this.files = files;
        this.meters = meters;
    }

    /** After checkpoint {@code generation} is published: the generation that left the newest {@code keepLast}. */
    void checkpointPublished(Run run, int generation) {
        RetentionSettings retention = run.config().retention();
        if (retention != null) {
            removeIfDue(run, retention, generation - retention.keepLast());
        }
    }

    /** After generation {@code generation}'s evaluation is recorded. */
    void evaluated(Run run, int generation) {
        RetentionSettings retention = run.config().retention();
        if (retention != null) {
            removeIfDue(run, retention, generation);
        }
    }

    private void removeIfDue(Run run, RetentionSettings retention, int generation) {
        if (generation < 0 || generation % retention.keepEvery() == 0) {
            return;
        }
        String runId = run.runId();
        int newer = generation + retention.keepLast();
        if (newer > ObjectKey.MAX_GENERATION
                || files.readEvent(runId, newer, ObjectOutbox.CHECKPOINT_EVENT).isEmpty()
                || files.readEvent(runId, generation, ObjectOutbox.EVALUATION_EVENT).isEmpty()) {
            return;
        }
        boolean removed = false;
        for (ObjectKey key : ObjectKey.checkpointObjects(runId, generation)) {
            if (store.exists(key)) {
                store.delete(key);
                removed = true;
            }
        }
        if (removed) {
            meters.counter("collapse.checkpoints.removed").increment();
            LOG.infof("Run %s: removed checkpoint %d by its retention policy (%s)", runId, generation,
                    retention.describe());
        }
    }
}
