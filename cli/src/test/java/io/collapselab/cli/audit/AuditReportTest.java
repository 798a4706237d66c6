package io.collapselab.cli.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.cli.audit.AuditReport.LineageEntry;
import io.collapselab.cli.audit.AuditReport.RecordCounts;
import io.collapselab.cli.audit.Discrepancy.Kind;
import io.collapselab.cli.audit.Recomputation.DigestComparison;
import io.collapselab.cli.runs.RecordLocation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a report reads, for people and for programs. */
class AuditReportTest {

    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);

    private final SyntheticLog log = new SyntheticLog("audit-report");

    @Test
    void printsTheLineageTheRecomputationTheDiscrepanciesAndTheVerdictLast() {
        AuditReport report = new AuditReport("audit-report", AuditReport.DISCREPANCIES, AuditReport.RUNNING,
                log.config, log.request().inputs(), new RecordCounts(9, 1, 0),
                List.of(new LineageEntry(0, A, null, B, C, 12.3456, 0.91234, false, LineageEntry.OK, 0),
                        new LineageEntry(1, B, A, C, null, null, null, null, LineageEntry.WITH_DISCREPANCIES, 2)),
                new Recomputation(1, 2, DigestComparison.of(B, C), null, "why it may differ"),
                List.of(new Discrepancy(Kind.MISSING_OBJECT, null, new RecordLocation("collapse.runs", 3, 0),
                                "the training text is gone"),
                        new Discrepancy(Kind.MISSING_EVENT, 1, null, "no CorpusGenerated of generation 1"),
                        new Discrepancy(Kind.RECOMPUTE_MISMATCH, 1, new RecordLocation("collapse.checkpoints", 3, 1),
                                "recomputing gave another checkpoint")),
                List.of(new RemovedObject(1, "checkpoint 1", "s3://collapse/runs/audit-report/gen-0001/checkpoint.bin",
                        B, "keep every 3rd generation's checkpoint and the last 1")),
                List.of("run audit-report has no RunCompleted"));

        StringWriter out = new StringWriter();
        report.print(new PrintWriter(out));

        assertEquals(List.of(
                "run audit-report: smoke, 2 generations, mixing replace, seed 1234; status running",
                "log: 9 records of the run; identical re-emissions: 1; dead letters: 0",
                "inputs: training text " + log.trainSha().substring(0, 12) + " (18 bytes), held-out text "
                        + log.heldoutSha().substring(0, 12) + " (20 bytes)",
                " gen  checkpoint    parent        trained on    corpus        perplexity  distinct-2  status",
                "   0  aaaaaaaaaaaa  -             bbbbbbbbbbbb  cccccccccccc      12.346      0.9123  ok",
                "   1  bbbbbbbbbbbb  aaaaaaaaaaaa  cccccccccccc  -                      -           -  2 discrepancies",
                "recompute generation 1 (2 intra-op threads): checkpoint cccccccccccc differs from the recorded"
                        + " bbbbbbbbbbbb",
                "  note: why it may differ",
                "removed by the retention policy (keep every 3rd generation's checkpoint and the last 1):"
                        + " checkpoint 1",
                "warning: run audit-report has no RunCompleted",
                "discrepancies:",
                "  MISSING_OBJECT collapse.runs-3@0: the training text is gone",
                "  MISSING_EVENT generation 1: no CorpusGenerated of generation 1",
                "  RECOMPUTE_MISMATCH generation 1, collapse.checkpoints-3@1: recomputing gave another checkpoint",
                "DISCREPANCIES: 3"), out.toString().lines().toList());
    }

    @Test
    void theJsonHoldsEveryComponent() throws Exception {
        AuditReport report = new AuditReport("audit-report", AuditReport.CONSISTENT, "max-generations", log.config,
                log.request().inputs(), new RecordCounts(8, 0, 0),
                List.of(new LineageEntry(0, A, null, B, C, 12.5, 0.5, true, LineageEntry.OK, 0)), null, List.of(),
                List.of(), List.of());

        JsonNode json = new ObjectMapper().readTree(report.toJson());

        assertEquals(List.of("runId", "verdict", "status", "config", "inputs", "records", "lineage",
                "recomputation", "discrepancies", "removedByPolicy", "warnings"), iterable(json.fieldNames()));
        assertEquals("CONSISTENT", json.get("verdict").asText());
        assertEquals(1234, json.get("config").get("seed").asLong());
        assertEquals(List.of("generation", "checkpointSha256", "parentCheckpointSha256", "trainedOnSha256",
                "corpusSha256", "heldoutPerplexity", "distinct2", "collapsed", "status", "discrepancies"),
                iterable(json.get("lineage").get(0).fieldNames()));
        assertEquals(true, json.get("lineage").get(0).get("collapsed").asBoolean());
    }

    @Test
    void aVerdictThatContradictsTheDiscrepanciesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AuditReport("r", AuditReport.CONSISTENT,
                AuditReport.RUNNING, null, null, new RecordCounts(1, 0, 0), List.of(), null,
                List.of(new Discrepancy(Kind.MISSING_EVENT, null, null, "no RunRequested")), List.of(), List.of()));
    }

    private static List<String> iterable(Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
