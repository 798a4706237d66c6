package io.collapselab.generator;

import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.kafka.DecodedEvent;
import io.collapselab.experiment.CurationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.lm.loop.GenerationSteps.SampledCorpus;
import io.collapselab.lm.loop.GenerationSteps;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.random.SeedRole;
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
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Samples the corpus of every generation, the last one included, from the checkpoint just published, curates it as
 * {@code sampling.curation} says (the published corpus is what the trainer gets), uploads it with the token ids it
 * was decoded from, and announces both with {@code CorpusGenerated}, which counts what curation dropped.
 */
@ApplicationScoped
public class GeneratorService {

    /** The channel of {@code collapse.checkpoints}. */
    public static final String CHECKPOINTS_CHANNEL = "checkpoints";

    private static final Logger LOG = Logger.getLogger(GeneratorService.class);

    private final EventIntake intake;
    private final ObjectOutbox outbox;
    private final RunArtifacts artifacts;
    private final GenerationFiles files;
    private final ServiceIdentity identity;
    private final PipelineMetrics metrics;
    private final Map<String, Integer> corpusTokens = new ConcurrentHashMap<>();

    GeneratorService(EventIntake intake, ObjectOutbox outbox, RunArtifacts artifacts, GenerationFiles files,
                     ServiceIdentity identity, PipelineMetrics metrics) {
        this.intake = intake;
        this.outbox = outbox;
        this.artifacts = artifacts;
        this.files = files;
        this.identity = identity;
        this.metrics = metrics;
    }

    @Incoming(CHECKPOINTS_CHANNEL)
    @Blocking
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> onCheckpoint(Message<ConsumerRecord<String, DecodedEvent>> message)
            throws InterruptedException {
        return intake.process(CHECKPOINTS_CHANNEL, message, CheckpointPublished.class, this::sample);
    }

    private void sample(CheckpointPublished checkpoint, Run run, ComputeTime compute) {
        ExperimentConfig config = run.config();
        int generation = checkpoint.generation();
        outbox.publishOnce(run.runId(), generation, ObjectOutbox.CORPUS_EVENT,
                () -> artifacts.checkpointSource(run.runId(), generation, checkpoint.checkpoint()), model -> {
            byte[] reference = reference(run, checkpoint);
            SampledCorpus sampled = compute.measure(() -> GenerationSteps.sample(config, model, reference,
                    tokenizer -> corpusTokens(run, tokenizer), generation, new ProgressLog(run.runId())));
            metrics.throughput("sample", sampled.tokenCount(), sampled.computeMs());
            ObjectRef corpus = artifacts.storeCorpus(run.runId(), generation, sampled.corpus());
            ObjectRef tokens = artifacts.storeCorpusTokens(run.runId(), generation,
                    CorpusTokens.toBytes(sampled.tokens()));
            LOG.infof("Run %s: sampled corpus %d in %d ms (%d tokens, %d bytes)%s", run.runId(), generation,
                    sampled.computeMs(), sampled.tokenCount(), sampled.corpus().length,
                    sampled.curation() == null ? "" : ", curated: " + sampled.curation());
            return CorpusGenerated.of(run.runId(), generation, Instant.now(), identity.producer(), corpus, tokens,
                    sampled.tokenCount(), checkpoint.checkpoint().sha256(), run.request().config().sampling(),
                    Rng.derive(config.seed(), generation, SeedRole.SAMPLING), sampled.curation());
        });
    }

    /**
     * Generation 0's checkpoint, as its recorded {@code CheckpointPublished} names it, where a perplexity band
     * curates the run's corpora; null where none does.
     */
    private byte[] reference(Run run, CheckpointPublished checkpoint) {
        CurationSettings curation = run.config().sampling().curation();
        if (curation == null || !curation.filtersPerplexity()) {
            return null;
        }
        String runId = run.runId();
        if (checkpoint.generation() == 0) {
            return artifacts.checkpoint(runId, 0, checkpoint.checkpoint());
        }
        return files.readEvent(runId, 0, ObjectOutbox.CHECKPOINT_EVENT)
                .map(event -> artifacts.checkpoint(runId, 0, ((CheckpointPublished) event).checkpoint()))
                .orElseThrow(() -> new IllegalStateException("run " + runId + " filters its corpora by perplexity "
                        + "under generation 0, but its CheckpointPublished is not recorded in the store"));
    }

    /**
     * The run's corpus size in tokens, resolved once per run in this process: a size relative to the real training
     * text needs that text from the store and its tokens under the run's tokenizer, which every checkpoint carries.
     */
    private int corpusTokens(Run run, Tokenizer tokenizer) {
        return corpusTokens.computeIfAbsent(run.runId(), runId -> GenerationSteps.corpusTokens(run.config(),
                tokenizer, () -> artifacts.trainText(run)));
    }
}
