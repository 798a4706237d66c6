package io.collapselab.cli.audit;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.cli.audit.AuditReport.LineageEntry;
import io.collapselab.cli.audit.AuditReport.RecordCounts;
import io.collapselab.cli.runs.RunIds;
import io.collapselab.cli.runs.RunLog.Generation;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.EvaluationCompleted;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunRequested;
import io.collapselab.lm.loop.Progress;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Audits a run from its event log and its objects: replays every record of the run, rebuilds the lineage (run
 * config and inputs, checkpoint 0, corpus 0, checkpoint 1, ...), checks each event against the contracts, the
 * generations for gaps, copies of events against each other, the digests for breaks in the chain, and every object
 * an event names against the store; on request it re-executes one generation and compares the digests.
 *
 * <p>A run without {@code RunCompleted} is audited as far as its log goes: generations it has not finished are
 * {@link LineageEntry#INCOMPLETE}, not wrong, and the report carries a warning instead of a discrepancy, so that a
 * run in progress can be audited while it runs. Gaps that no run in any state can have (a checkpoint without its
 * parent, a corpus without its checkpoint) are discrepancies either way.
 *
 * <p>Reads only: it joins no consumer group, commits nothing and writes no object. Not thread-safe.
 */
public final class RunAuditor {

    private static final Duration REPLAY_STALL_TIMEOUT = Duration.ofSeconds(30);
    private static final String S3_SCHEME = "s3://";

    private final String bootstrapServers;
    private final ArtifactStore store;

    /** @param store the store the run's objects are in; the caller's to close */
    public RunAuditor(String bootstrapServers, ArtifactStore store) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Audits the run without recomputing anything.
     *
     * @throws AuditException when the run is unknown or the log or the store cannot be read
     */
    public AuditReport audit(String runId) {
        return audit(runId, Optional.empty());
    }

    /**
     * Audits the run and re-executes generation {@code generation} in this process.
     *
     * @param intraOpThreads the tensor engine's intra-op thread count in this process, for the report
     * @param progress       hears how the recomputation advances
     * @throws AuditException when the run is unknown, the log or the store cannot be read, or the generation
     *                        cannot be recomputed (no config, no checkpoint of it)
     */
    public AuditReport audit(String runId, int generation, int intraOpThreads, Progress progress) {
        if (generation < 0) {
            throw new IllegalArgumentException("generation must be >= 0, was " + generation);
        }
        return audit(runId, Optional.of(new RecomputeRequest(generation, intraOpThreads, progress)));
    }

    private record RecomputeRequest(int generation, int intraOpThreads, Progress progress) {
    }

    private AuditReport audit(String runId, Optional<RecomputeRequest> recompute) {
        if (!RunIds.isValid(runId)) {
            throw new AuditException("'" + runId + "' is not a run id (1 to 63 characters of a-z, 0-9 and '-',"
                    + " starting with a letter or digit); `collapse runs` lists the runs");
        }
        List<ConsumerRecord<String, byte[]>> records = new EventLogReplay(bootstrapServers, REPLAY_STALL_TIMEOUT)
                .read(runId);
        if (records.isEmpty()) {
            throw new AuditException("unknown run " + runId + ": the event log at " + bootstrapServers + " holds no"
                    + " record of it; `collapse runs` lists the runs");
        }
        LogAnalysis analysis = LogAnalysis.analyze(runId, records);
        RunLog log = analysis.log();
        requireRunBucket(log);
        List<Discrepancy> discrepancies = new ArrayList<>(analysis.discrepancies());
        Recomputation recomputation = null;
        if (recompute.isPresent()) {
            RecomputeRequest r = recompute.get();
            // Before the object checks, so that a generation that cannot be recomputed is refused at once.
            GenerationRecompute.Outcome outcome = new GenerationRecompute(store, log, r.generation(),
                    r.intraOpThreads(), System::getenv).run(r.progress());
            recomputation = outcome.recomputation();
            discrepancies.addAll(outcome.discrepancies());
        }
        ObjectVerification.Findings objects = ObjectVerification.verify(store, log);
        discrepancies.addAll(objects.discrepancies());
        discrepancies.addAll(SavedEventVerification.verify(store, log));
        discrepancies.sort(Discrepancy.BY_GENERATION);
        return new AuditReport(runId, discrepancies.isEmpty() ? AuditReport.CONSISTENT : AuditReport.DISCREPANCIES,
                log.completion().map(c -> c.reason().wireName()).orElse(AuditReport.RUNNING),
                log.request().map(RunRequested::config).orElse(null),
                log.request().map(RunRequested::inputs).orElse(null),
                new RecordCounts(analysis.records(), analysis.identicalCopies(), analysis.deadLetters()),
                lineage(log, discrepancies), recomputation, discrepancies, objects.removedByPolicy(), warnings(log));
    }

    /**
     * A run's objects all live in the bucket its inputs were uploaded to. Auditing another bucket would report
     * every object missing, which says nothing about the run, so it is refused with the bucket to pass.
     */
    private void requireRunBucket(RunLog log) {
        // A sound RunRequested names its inputs as s3://<bucket>/runs/<runId>/...
        Optional<String> runBucket = log.request()
                .map(r -> r.inputs().train().uri().substring(S3_SCHEME.length()))
                .map(path -> path.substring(0, path.indexOf('/')));
        String auditedBucket = store.settings().bucket();
        if (runBucket.isPresent() && !runBucket.get().equals(auditedBucket)) {
            throw new AuditException("run " + log.runId() + " keeps its objects in bucket " + runBucket.get()
                    + ", but this audit reads bucket " + auditedBucket + "; pass --s3-bucket " + runBucket.get());
        }
    }

    private static List<LineageEntry> lineage(RunLog log, List<Discrepancy> discrepancies) {
        int last = log.generations().stream().mapToInt(Generation::generation).max().orElse(-1);
        Optional<RunCompleted> completion = log.completion();
        if (completion.isPresent() && completion.get().reason().isNormalEnd()) {
            last = Math.max(last, completion.get().generation());
        }
        List<LineageEntry> lineage = new ArrayList<>();
        for (int n = 0; n <= last; n++) {
            int generation = n;
            Generation g = log.generation(n).orElse(new Generation(n, null, null, null));
            CheckpointPublished checkpoint = g.checkpoint();
            CorpusGenerated corpus = g.corpus();
            EvaluationCompleted evaluation = g.evaluation();
            int found = (int) discrepancies.stream()
                    .filter(d -> d.generation() != null && d.generation() == generation)
                    .count();
            String status = found > 0
                    ? LineageEntry.WITH_DISCREPANCIES
                    : g.isComplete() ? LineageEntry.OK : LineageEntry.INCOMPLETE;
            lineage.add(new LineageEntry(n,
                    checkpoint == null ? null : checkpoint.checkpoint().sha256(),
                    checkpoint == null ? null : checkpoint.parentCheckpointSha256(),
                    checkpoint == null ? null : checkpoint.trainedOnSha256(),
                    corpus == null ? null : corpus.corpus().sha256(),
                    evaluation == null ? null : evaluation.heldoutPerplexity(),
                    evaluation == null ? null : evaluation.distinct2(),
                    evaluation == null ? null : evaluation.collapsed(),
                    status, found));
        }
        return lineage;
    }

    private static List<String> warnings(RunLog log) {
        List<String> warnings = new ArrayList<>();
        Optional<RunCompleted> completion = log.completion();
        Optional<RunRequested> request = log.request();
        if (completion.isEmpty() && request.isPresent()) {
            warnings.add("run " + log.runId() + " has no RunCompleted: it is still running, or its services stopped;"
                    + " the audit covers the log as it stood");
        }
        completion.filter(c -> !c.reason().isNormalEnd()).ifPresent(c -> warnings.add("the run ended "
                + c.reason().wireName() + " at generation " + c.generation()
                + (c.detail().isBlank() ? "" : ": " + c.detail())));
        return warnings;
    }
}
