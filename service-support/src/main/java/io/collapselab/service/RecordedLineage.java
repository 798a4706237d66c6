package io.collapselab.service;

import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.EvaluationCompleted;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunRequested;
import io.collapselab.events.json.EventCopies;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a consumed event is one its producer recorded: every service records the event it publishes beside the
 * generation's objects before publishing it ({@link ObjectOutbox}), so a genuine {@code CheckpointPublished(g)},
 * {@code CorpusGenerated(g)} or {@code RunCompleted} always finds its record. An event without one is not (or not
 * yet) part of the run; one that differs from its record, or whose record does not chain to the previous
 * generation's, conflicts with the run. Either way no service acts on it, so whoever can write to a topic but not
 * to the object store cannot steer, fail or end a run.
 *
 * <p>A {@code RunRequested} has no record: it defines its run, and a different request under the same run id is
 * refused by the intake.
 */
@ApplicationScoped
public class RecordedLineage {

    /** What {@link #check} found. */
    public sealed interface Verdict {

        /** What was found, naming the event and, where it does not fit, the record it lacks or contradicts. */
        String reason();

        /** The event is the one its producer recorded, and it chains to the generation before. */
        record Fits() implements Verdict {
            @Override
            public String reason() {
                return "it is recorded and chains to its generation's checkpoint";
            }
        }

        /** Nothing recorded the event (or what it builds on) yet: it is forged, or premature. */
        record NotRecorded(String reason) implements Verdict {
        }

        /** The event contradicts what the run recorded. */
        record Conflicts(String reason) implements Verdict {
        }
    }

    private static final Verdict FITS = new Verdict.Fits();

    private final GenerationFiles files;

    RecordedLineage(GenerationFiles files) {
        this.files = files;
    }

    /**
     * Checks {@code event} against the run's recorded events.
     *
     * @throws io.collapselab.artifacts.ArtifactStoreException when the store cannot be read (transient)
     */
    public Verdict check(CollapseEvent event) {
        if (event instanceof RunRequested) {
            return FITS;
        }
        String name = recordName(event);
        Optional<CollapseEvent> recorded = files.readEvent(event.runId(), event.generation(), name);
        if (recorded.isEmpty()) {
            return new Verdict.NotRecorded(label(event) + " of run " + event.runId() + " is not recorded in the"
                    + " object store (no " + name + " of generation " + event.generation() + "): no service"
                    + " published it");
        }
        List<String> differences = EventCopies.differences(recorded.get(), event);
        if (!differences.isEmpty()) {
            return new Verdict.Conflicts(label(event) + " of run " + event.runId() + " differs from the one recorded"
                    + " with the generation's objects in " + String.join(", ", differences));
        }
        if (event instanceof CheckpointPublished checkpoint && checkpoint.generation() > 0) {
            return chains(checkpoint, "names parent checkpoint", checkpoint.parentCheckpointSha256(),
                    checkpoint.generation() - 1);
        }
        if (event instanceof CorpusGenerated corpus) {
            return chains(corpus, "was sampled from checkpoint", corpus.checkpointSha256(), corpus.generation());
        }
        return FITS;
    }

    /** Whether {@code sha256}, named by {@code event}, is that of the checkpoint recorded for {@code generation}. */
    private Verdict chains(CollapseEvent event, String relation, String sha256, int generation) {
        Optional<CollapseEvent> checkpoint = files.readEvent(event.runId(), generation,
                ObjectOutbox.CHECKPOINT_EVENT);
        if (checkpoint.isEmpty()) {
            return new Verdict.NotRecorded(label(event) + " of run " + event.runId() + " " + relation + " " + sha256
                    + ", but no CheckpointPublished(" + generation + ") is recorded");
        }
        String recordedSha = ((CheckpointPublished) checkpoint.get()).checkpoint().sha256();
        return Objects.equals(recordedSha, sha256)
                ? FITS
                : new Verdict.Conflicts(label(event) + " of run " + event.runId() + " " + relation + " " + sha256
                        + ", but the recorded checkpoint " + generation + " is " + recordedSha);
    }

    private static String recordName(CollapseEvent event) {
        if (event instanceof CheckpointPublished) {
            return ObjectOutbox.CHECKPOINT_EVENT;
        }
        if (event instanceof CorpusGenerated) {
            return ObjectOutbox.CORPUS_EVENT;
        }
        if (event instanceof EvaluationCompleted) {
            return ObjectOutbox.EVALUATION_EVENT;
        }
        if (event instanceof RunCompleted) {
            return ObjectOutbox.RUN_COMPLETED_EVENT;
        }
        throw new IllegalArgumentException("no record is kept of " + label(event));
    }

    private static String label(CollapseEvent event) {
        return event.type().typeName() + "(" + event.generation() + ")";
    }
}
