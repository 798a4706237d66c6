package io.collapselab.cli.audit;

import io.collapselab.cli.runs.RecordLocation;

import java.util.Comparator;

/**
 * One thing the audit found wrong with a run.
 *
 * @param generation the generation it concerns, {@code null} for the run as a whole (its inputs, its request)
 * @param location   the record it was found in, {@code null} when it concerns something absent from the log
 */
public record Discrepancy(Kind kind, Integer generation, RecordLocation location, String message) {

    /** Run-level findings first, then by generation; the order found is kept within a generation. */
    static final Comparator<Discrepancy> BY_GENERATION = Comparator.comparing(Discrepancy::generation,
            Comparator.nullsFirst(Comparator.naturalOrder()));

    public enum Kind {
        /** A record keyed by the run that is not an event at all: no value, not JSON, not an event's shape. */
        MALFORMED_RECORD,
        /** A record's key is not the run id of the event it holds, so it may sit on another partition. */
        WRONG_KEY,
        /** The event id is not the digest of run id, type and generation, so consumers cannot deduplicate it. */
        WRONG_EVENT_ID,
        /** The event breaks its contract: validation against the run's config, its topic, its CloudEvents headers. */
        INVALID_EVENT,
        /** A copy of an event (same event id) that differs in more than when and by whom it was sent. */
        CONFLICTING_DUPLICATE,
        /** An event the rest of the log implies is absent: a gap in the generations, a missing RunRequested. */
        MISSING_EVENT,
        /** Digests that must chain do not: a parent checkpoint, the text trained on, what was sampled or measured. */
        LINEAGE_BREAK,
        /** An event names an object under another key than the layout gives it. */
        WRONG_OBJECT_KEY,
        /** An object an event names does not exist. */
        MISSING_OBJECT,
        /** An object's bytes do not have the digest the event that named it carries. */
        DIGEST_MISMATCH,
        /** An object has the digest but not the size the event that named it carries. */
        SIZE_MISMATCH,
        /** A service's saved copy of an event, beside the objects, is missing, unreadable or differs from the log's. */
        SAVED_EVENT_MISMATCH,
        /** A service refused a record of the run (the dead-letter topic holds it). */
        REFUSED_RECORD,
        /** Recomputing a generation did not give the recorded checkpoint or corpus. */
        RECOMPUTE_MISMATCH
    }

    /** This discrepancy with more said about it. */
    Discrepancy withNote(String note) {
        return new Discrepancy(kind, generation, location, message + "; " + note);
    }
}
