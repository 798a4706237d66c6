package io.collapselab.evaluator;

import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.EvaluationCompleted;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.kafka.DecodedEvent;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.RunEnd;
import io.collapselab.lm.loop.GenerationSteps.CheckpointEvaluation;
import io.collapselab.lm.loop.GenerationSteps.CorpusEvaluation;
import io.collapselab.lm.loop.GenerationSteps;
import io.collapselab.lm.metrics.RealTextProfile;
import io.collapselab.lm.metrics.TextMetrics;
import io.collapselab.lm.model.Checkpoint;
import io.collapselab.lm.sample.CorpusTokens;
import io.collapselab.lm.tokenizer.Tokenizer;
import io.collapselab.service.ComputeTime;
import io.collapselab.service.EventIntake;
import io.collapselab.service.GenerationFiles;
import io.collapselab.service.ObjectOutbox;
import io.collapselab.service.PipelineMetrics;
import io.collapselab.service.ProgressLog;
import io.collapselab.service.Run;
import io.collapselab.service.RunArtifacts;
import io.collapselab.service.ServiceIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Measures every generation: the held-out figures of its checkpoint (as the run's {@code evaluation} settings ask:
 * the whole text, or the window estimate with the whole text on a schedule) and the text metrics of its corpus,
 * its trailing cycle looked for in the sampled ids the generator stored beside it. Once
 * both are known it publishes {@code EvaluationCompleted} with the run's collapse verdict, and ends the run with
 * {@code RunCompleted} after the last generation, or at the first collapsed one when the run stops on collapse.
 */
@ApplicationScoped
public class EvaluatorService {

    /**
     * {@code collapse.checkpoints} and {@code collapse.corpora} in one channel. One consumer on both topics is
     * assigned the same partition number of each (range assignment, same partition count, same run-id keys), so
     * both halves of a run's generations meet on one replica, and its single worker thread combines them without
     * racing itself.
     */
    public static final String GENERATIONS_CHANNEL = "generations";

    static final String HELDOUT_EVALUATION = "heldout-evaluation.json";
    static final String CORPUS_EVALUATION = "corpus-evaluation.json";

    private static final Logger LOG = Logger.getLogger(EvaluatorService.class);

    /** Runs whose real-text profile is kept; a generation's corpora of one run arrive one after the other. */
    private static final int PROFILED_RUNS = 8;

    /** Real-text profile per run id: built once per run instead of once per corpus (it reads the whole text). */
    private final Map<String, RealTextProfile> realTextProfiles = leastRecentlyUsed(PROFILED_RUNS);

    /** Per run in progress on this replica: what its lag gauge and evaluation delay are computed from. */
    private final Map<String, Backlog> backlogs = new ConcurrentHashMap<>();

    private final EventIntake intake;
    private final ObjectOutbox outbox;
    private final RunArtifacts artifacts;
    private final GenerationFiles files;
    private final ServiceIdentity identity;
    private final PipelineMetrics metrics;

    EvaluatorService(EventIntake intake, ObjectOutbox outbox, RunArtifacts artifacts, GenerationFiles files,
                     ServiceIdentity identity, PipelineMetrics metrics) {
        this.intake = intake;
        this.outbox = outbox;
        this.artifacts = artifacts;
        this.files = files;
        this.identity = identity;
        this.metrics = metrics;
    }

    @Incoming(GENERATIONS_CHANNEL)
    @Blocking
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> onGenerationEvent(Message<ConsumerRecord<String, DecodedEvent>> message)
            throws InterruptedException {
        return intake.process(GENERATIONS_CHANNEL, message, CollapseEvent.class, this::evaluate);
    }

    private void evaluate(CollapseEvent event, Run run, ComputeTime compute) {
        // The channel's topics carry only these two types; the intake refuses anything else found on them.
        if (event instanceof CheckpointPublished checkpoint) {
            backlog(run).checkpointTaken(checkpoint.generation(), checkpoint.occurredAt());
            measureHeldout(checkpoint, run, compute);
        } else {
            measureCorpus((CorpusGenerated) event, run, compute);
        }
        completeGeneration(run, event.generation());
    }

    private void measureHeldout(CheckpointPublished checkpoint, Run run, ComputeTime compute) {
        String runId = run.runId();
        int generation = checkpoint.generation();
        if (files.readJson(runId, generation, HELDOUT_EVALUATION, HeldoutResult.class).isPresent()) {
            return;
        }
        byte[] model = artifacts.checkpoint(runId, generation, checkpoint.checkpoint());
        byte[] heldout = artifacts.heldoutText(run);
        CheckpointEvaluation evaluation = compute.measure(() ->
                GenerationSteps.evaluate(run.config(), model, heldout, generation, new ProgressLog(runId)));
        metrics.throughput("evaluate", evaluation.tokens(), evaluation.computeMs());
        files.writeJsonOnce(runId, generation, HELDOUT_EVALUATION, new HeldoutResult(checkpoint.checkpoint().sha256(),
                evaluation.heldoutLoss(), evaluation.heldoutPerplexity(), evaluation.heldout().tokens(),
                evaluation.heldoutMethod(), evaluation.heldoutBitsPerByte(), evaluation.heldoutWordPerplexity(),
                evaluation.wholeTextLoss(), evaluation.wholeTextPerplexity(), evaluation.wholeTextBitsPerByte(),
                evaluation.wholeTextWordPerplexity(), evaluation.wholeTextTokens()), HeldoutResult.class);
    }

    private void measureCorpus(CorpusGenerated corpus, Run run, ComputeTime compute) {
        String runId = run.runId();
        int generation = corpus.generation();
        if (files.readJson(runId, generation, CORPUS_EVALUATION, CorpusResult.class).isPresent()) {
            return;
        }
        ExperimentConfig config = run.config();
        byte[] text = artifacts.corpus(runId, generation, corpus.corpus());
        int[] ids = sampledIds(corpus, text);
        RealTextProfile realText = realTextProfile(run);
        CorpusEvaluation evaluation = compute.measure(() ->
                GenerationSteps.evaluateCorpus(config, text, ids, realText));
        TextMetrics m = evaluation.metrics();
        files.writeJsonOnce(runId, generation, CORPUS_EVALUATION, new CorpusResult(corpus.checkpointSha256(),
                corpus.corpus().sha256(), m.distinct1(), m.distinct2(), m.distinct3(), m.repetition(), m.entropy(),
                m.tailMass(), m.unseenWordShare(), evaluation.cycleLength(), evaluation.excerpt()),
                CorpusResult.class);
    }

    /**
     * The ids the corpus was decoded from. A version 1 {@code CorpusGenerated} names none (its generator kept only
     * the text): its corpus is encoded again with the checkpoint's tokenizer, which is how such runs were measured.
     */
    private int[] sampledIds(CorpusGenerated corpus, byte[] text) {
        String runId = corpus.runId();
        int generation = corpus.generation();
        if (corpus.tokens() != null) {
            return CorpusTokens.fromBytes(artifacts.corpusTokens(runId, generation, corpus.tokens()));
        }
        Tokenizer tokenizer = Checkpoint.readTokenizer(artifacts.checkpoint(runId, generation,
                corpus.checkpointSha256()));
        return tokenizer.encode(text);
    }

    /** A map that keeps its {@code capacity} most recently used entries; not thread-safe. */
    private static <V> Map<String, V> leastRecentlyUsed(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }

    private synchronized RealTextProfile realTextProfile(Run run) {
        return realTextProfiles.computeIfAbsent(run.runId(), id ->
                RealTextProfile.of(artifacts.trainText(run), run.config().evaluation().tailQuantile()));
    }

    /** Publishes the generation's evaluation once both halves are known, and ends the run if it is over. */
    private void completeGeneration(Run run, int generation) {
        String runId = run.runId();
        Optional<HeldoutResult> heldout = files.readJson(runId, generation, HELDOUT_EVALUATION, HeldoutResult.class);
        Optional<CorpusResult> corpus = files.readJson(runId, generation, CORPUS_EVALUATION, CorpusResult.class);
        if (heldout.isEmpty() || corpus.isEmpty()) {
            LOG.debugf("Run %s generation %d: waiting for the other half of its evaluation", runId, generation);
            return;
        }
        if (!heldout.get().checkpointSha256().equals(corpus.get().checkpointSha256())) {
            throw new IllegalStateException("corpus " + generation + " of run " + runId + " was sampled from"
                    + " checkpoint " + corpus.get().checkpointSha256() + ", but the checkpoint evaluated for that"
                    + " generation is " + heldout.get().checkpointSha256());
        }
        EvaluationCompleted evaluation = (EvaluationCompleted) outbox.publishOnce(runId, generation,
                ObjectOutbox.EVALUATION_EVENT, () -> evaluation(run, generation, heldout.get(), corpus.get()));
        backlog(run).evaluated(generation, evaluation.occurredAt());
        endRunIfOver(run, evaluation);
    }

    private Backlog backlog(Run run) {
        return backlogs.computeIfAbsent(run.runId(), id -> new Backlog(id, metrics));
    }

    /**
     * How far a run's evaluations trail the checkpoints this replica has taken. Kept in memory only: after a restart
     * the records read again rebuild it.
     */
    private static final class Backlog {
        private final String runId;
        private final PipelineMetrics metrics;
        private final Map<Integer, Instant> publishedAt = new HashMap<>();
        private int newestCheckpoint = -1;
        private int newestEvaluated = -1;

        Backlog(String runId, PipelineMetrics metrics) {
            this.runId = runId;
            this.metrics = metrics;
        }

        synchronized void checkpointTaken(int generation, Instant occurredAt) {
            if (generation > newestEvaluated) {
                publishedAt.putIfAbsent(generation, occurredAt);
            }
            newestCheckpoint = Math.max(newestCheckpoint, generation);
            metrics.evaluatorLag(runId, newestCheckpoint - newestEvaluated);
        }

        synchronized void evaluated(int generation, Instant evaluatedAt) {
            Instant checkpointAt = publishedAt.remove(generation);
            if (checkpointAt != null) {
                metrics.evaluationDelay(Duration.between(checkpointAt, evaluatedAt));
            }
            newestEvaluated = Math.max(newestEvaluated, generation);
            metrics.evaluatorLag(runId, Math.max(0, newestCheckpoint - newestEvaluated));
        }
    }

    private EvaluationCompleted evaluation(Run run, int generation, HeldoutResult heldout, CorpusResult corpus) {
        boolean collapsed = run.config().collapse().isCollapsed(corpus.distinct2(), corpus.cycleLength());
        LOG.infof("Run %s generation %d: held-out perplexity %.3f (%s), %.4f bits/byte, distinct-2 %.3f, cycle %d"
                        + " tokens%s", run.runId(), generation, heldout.perplexity(), heldout.method(),
                heldout.bitsPerByte(), corpus.distinct2(), corpus.cycleLength(), collapsed ? ", collapsed" : "");
        return EvaluationCompleted.of(run.runId(), generation, Instant.now(), identity.producer(),
                new EvaluationCompleted.Metrics(heldout.loss(), heldout.perplexity(), heldout.method(),
                        heldout.tokens(), heldout.bitsPerByte(), heldout.wordPerplexity(), heldout.wholeTextLoss(),
                        heldout.wholeTextPerplexity(), heldout.wholeTextBitsPerByte(),
                        heldout.wholeTextWordPerplexity(), heldout.wholeTextTokens(), corpus.distinct1(),
                        corpus.distinct2(), corpus.distinct3(), corpus.repetition(), corpus.entropy(),
                        corpus.tailMass(), corpus.unseenWordShare(), corpus.cycleLength()),
                corpus.excerpt(), collapsed, heldout.checkpointSha256(), corpus.corpusSha256());
    }

    private void endRunIfOver(Run run, EvaluationCompleted evaluation) {
        int generation = evaluation.generation();
        Optional<RunEnd> end = run.config().endAfter(generation, evaluation.collapsed());
        if (end.isEmpty()) {
            return;
        }
        backlogs.remove(run.runId());
        RunCompleted.Reason reason = RunCompleted.Reason.of(end.get());
        String detail = switch (end.get()) {
            case COLLAPSE_DETECTED -> "generation " + generation + " collapsed (distinct-2 " + evaluation.distinct2()
                    + ", trailing cycle of " + evaluation.cycleLength() + " tokens) and the run stops on collapse";
            case MAX_GENERATIONS -> "generation " + generation + " was the last configured";
        };
        outbox.publishOnce(run.runId(), generation, ObjectOutbox.RUN_COMPLETED_EVENT, () -> RunCompleted.of(
                run.runId(), generation, Instant.now(), identity.producer(), reason, detail, generation));
        LOG.infof("Run %s completed at generation %d: %s", run.runId(), generation, reason.wireName());
    }
}
