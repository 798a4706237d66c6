package io.collapselab.cli.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.RunInputs;
import io.collapselab.events.json.EventJson;
import io.collapselab.experiment.ExperimentConfig;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of auditing a run: the lineage the log describes, what the audit found wrong with it, and the
 * verdict. Printed for people by {@link #print} and for programs by {@link #toJson}, which writes exactly these
 * components.
 *
 * @param verdict        {@value #CONSISTENT} or {@value #DISCREPANCIES}
 * @param status         the reason of the run's {@code RunCompleted} ({@code max-generations}, {@code failed}, ...),
 *                       else {@value #RUNNING}
 * @param config         the run's config; {@code null} when the log holds no sound {@code RunRequested}
 * @param inputs         the run's real texts; {@code null} likewise
 * @param lineage        one entry per generation from 0 to the last the log names
 * @param recomputation  {@code null} unless a generation was recomputed
 * @param discrepancies  run-level ones first, then by generation
 * @param removedByPolicy objects the run's retention policy removed, as it allowed (not discrepancies)
 * @param warnings       what is worth knowing but not wrong, such as a run that has not completed
 */
public record AuditReport(String runId, String verdict, String status, ExperimentConfig config, RunInputs inputs,
                          RecordCounts records, List<LineageEntry> lineage, Recomputation recomputation,
                          List<Discrepancy> discrepancies, List<RemovedObject> removedByPolicy,
                          List<String> warnings) {

    public static final String CONSISTENT = "CONSISTENT";
    public static final String DISCREPANCIES = "DISCREPANCIES";
    /** {@link #status()} of a run without {@code RunCompleted}. */
    public static final String RUNNING = "running";

    private static final ObjectWriter JSON = EventJson.newObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .writerFor(AuditReport.class);
    private static final int SHORT_DIGEST = 12;

    public AuditReport {
        if (!verdict.equals(discrepancies.isEmpty() ? CONSISTENT : DISCREPANCIES)) {
            throw new IllegalArgumentException("verdict " + verdict + " contradicts " + discrepancies.size()
                    + " discrepancies");
        }
        lineage = List.copyOf(lineage);
        discrepancies = List.copyOf(discrepancies);
        removedByPolicy = List.copyOf(removedByPolicy);
        warnings = List.copyOf(warnings);
    }

    /**
     * @param total           records of the run read from the log, dead letters and re-emitted copies included
     * @param identicalCopies copies of an event that equal the first apart from when and by whom they were sent
     *                        (delivery is at least once, so these are expected, not wrong)
     * @param deadLetters     records of the run that a service refused
     */
    public record RecordCounts(int total, int identicalCopies, int deadLetters) {
    }

    /**
     * One generation: its checkpoint, the parent checkpoint and the text it was trained on (the training text for
     * generation 0, the training mix after that, which under {@code replace} is the previous corpus), its corpus
     * and what its evaluation measured. Digests and numbers are {@code null} where the log has no such event.
     *
     * @param status        {@value #OK}, {@value #INCOMPLETE} (not all three events yet, and nothing wrong), or
     *                      {@value #WITH_DISCREPANCIES}
     * @param discrepancies how many of the report's discrepancies concern this generation
     */
    public record LineageEntry(int generation, String checkpointSha256, String parentCheckpointSha256,
                               String trainedOnSha256, String corpusSha256, Double heldoutPerplexity,
                               Double distinct2, Boolean collapsed, String status, int discrepancies) {

        public static final String OK = "ok";
        public static final String INCOMPLETE = "incomplete";
        public static final String WITH_DISCREPANCIES = "discrepancies";
    }

    /** Whether the audit found nothing wrong. */
    public boolean consistent() {
        return discrepancies.isEmpty();
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("an audit report is plain records and must serialise", e);
        }
    }

    /**
     * The lineage, one line per generation, the recomputation, what the retention policy removed, the discrepancies
     * and the verdict line last.
     */
    public void print(PrintWriter out) {
        if (config == null) {
            out.printf(Locale.ROOT, "run %s: config unknown; status %s%n", runId, status);
        } else {
            out.printf(Locale.ROOT, "run %s: %s, %d generations, mixing %s, seed %d; status %s%n", runId,
                    config.name(), config.generations(), config.mixing().policy(), config.seed(), status);
        }
        out.printf(Locale.ROOT, "log: %d records of the run; identical re-emissions: %d; dead letters: %d%n",
                records.total(), records.identicalCopies(), records.deadLetters());
        if (inputs != null) {
            out.printf(Locale.ROOT, "inputs: training text %s, held-out text %s%n", describe(inputs.train()),
                    describe(inputs.heldout()));
        }
        out.printf(Locale.ROOT, "%4s  %-12s  %-12s  %-12s  %-12s  %10s  %10s  %s%n", "gen", "checkpoint", "parent",
                "trained on", "corpus", "perplexity", "distinct-2", "status");
        for (LineageEntry e : lineage) {
            String status = LineageEntry.WITH_DISCREPANCIES.equals(e.status())
                    ? e.discrepancies() + (e.discrepancies() == 1 ? " discrepancy" : " discrepancies")
                    : e.status();
            out.printf(Locale.ROOT, "%4d  %-12s  %-12s  %-12s  %-12s  %10s  %10s  %s%s%n", e.generation(),
                    shortDigest(e.checkpointSha256()), shortDigest(e.parentCheckpointSha256()),
                    shortDigest(e.trainedOnSha256()), shortDigest(e.corpusSha256()),
                    number(e.heldoutPerplexity(), "%.3f"), number(e.distinct2(), "%.4f"), status,
                    Boolean.TRUE.equals(e.collapsed()) ? " (collapsed)" : "");
        }
        if (recomputation != null) {
            printRecomputation(out);
        }
        if (!removedByPolicy.isEmpty()) {
            out.printf(Locale.ROOT, "removed by the retention policy (%s): %s%n", removedByPolicy.get(0).policy(),
                    String.join(", ", removedByPolicy.stream().map(RemovedObject::what).toList()));
        }
        warnings.forEach(warning -> out.println("warning: " + warning));
        if (!discrepancies.isEmpty()) {
            out.println("discrepancies:");
            for (Discrepancy d : discrepancies) {
                StringBuilder line = new StringBuilder("  ").append(d.kind());
                if (d.generation() != null) {
                    line.append(" generation ").append(d.generation());
                }
                if (d.location() != null) {
                    line.append(d.generation() != null ? ", " : " ").append(d.location());
                }
                out.println(line.append(": ").append(d.message()));
            }
        }
        out.println(consistent() ? CONSISTENT : DISCREPANCIES + ": " + discrepancies.size());
        out.flush();
    }

    private void printRecomputation(PrintWriter out) {
        Recomputation r = recomputation;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "recompute generation %d (%d intra-op threads):", r.generation(), r.intraOpThreads()));
        if (r.checkpoint() != null) {
            line.append(" checkpoint ").append(comparison(r.checkpoint()));
        }
        if (r.corpus() != null) {
            line.append(r.checkpoint() != null ? ";" : "").append(" corpus ").append(comparison(r.corpus()));
        }
        out.println(line);
        if (!r.note().isEmpty()) {
            out.println("  note: " + r.note());
        }
    }

    private static String comparison(Recomputation.DigestComparison c) {
        return c.matches()
                ? shortDigest(c.recomputed()) + " matches"
                : shortDigest(c.recomputed()) + " differs from the recorded " + shortDigest(c.recorded());
    }

    private static String describe(ObjectRef ref) {
        return String.format(Locale.ROOT, "%s (%,d bytes)", shortDigest(ref.sha256()), ref.size());
    }

    private static String shortDigest(String sha256) {
        if (sha256 == null) {
            return "-";
        }
        return sha256.length() <= SHORT_DIGEST ? sha256 : sha256.substring(0, SHORT_DIGEST);
    }

    private static String number(Double value, String format) {
        return value == null ? "-" : String.format(Locale.ROOT, format, value);
    }
}
