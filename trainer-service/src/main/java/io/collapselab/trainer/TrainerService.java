package io.collapselab.trainer;

import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.EvaluationCompleted;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.RunRequested;
import io.collapselab.events.kafka.DecodedEvent;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.lm.Sha256;
import io.collapselab.lm.loop.AnchorInputs;
import io.collapselab.lm.loop.GenerationSteps.TrainedCheckpoint;
import io.collapselab.lm.loop.GenerationSteps;
import io.collapselab.lm.loop.TrainingMix;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Trains every generation of every run: generation 0 on the run's real training text when the run is requested,
 * generation g+1 on the training mix of the run's policy once corpus g exists. Each checkpoint is uploaded, then
 * announced with {@code CheckpointPublished}. Under a {@code retention} policy it also removes the checkpoints that
 * nothing needs any more ({@link CheckpointRetention}), for which it reads the evaluations.
 */
@ApplicationScoped
public class TrainerService {

    /** The channel of {@code collapse.runs}: the trainer owns {@code RunRequested}. */
    public static final String RUNS_CHANNEL = "runs";
    /** The channel of {@code collapse.corpora}. */
    public static final String CORPORA_CHANNEL = "corpora";
    /** The channel of {@code collapse.evaluations}: only what the retention policy needs to know. */
    public static final String EVALUATIONS_CHANNEL = "evaluations";

    private static final Logger LOG = Logger.getLogger(TrainerService.class);

    private final EventIntake intake;
    private final ObjectOutbox outbox;
    private final RunArtifacts artifacts;
    private final GenerationFiles files;
    private final ServiceIdentity identity;
    private final PipelineMetrics metrics;
    private final CheckpointRetention retention;

    TrainerService(EventIntake intake, ObjectOutbox outbox, RunArtifacts artifacts, GenerationFiles files,
                   ServiceIdentity identity, PipelineMetrics metrics, CheckpointRetention retention) {
        this.intake = intake;
        this.outbox = outbox;
        this.artifacts = artifacts;
        this.files = files;
        this.identity = identity;
        this.metrics = metrics;
        this.retention = retention;
    }

    @Incoming(RUNS_CHANNEL)
    @Blocking
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> onRunEvent(Message<ConsumerRecord<String, DecodedEvent>> message)
            throws InterruptedException {
        return intake.process(RUNS_CHANNEL, message, RunRequested.class, this::pretrain);
    }

    @Incoming(CORPORA_CHANNEL)
    @Blocking
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> onCorpus(Message<ConsumerRecord<String, DecodedEvent>> message)
            throws InterruptedException {
        return intake.process(CORPORA_CHANNEL, message, CorpusGenerated.class, this::trainNext);
    }

    @Incoming(EVALUATIONS_CHANNEL)
    @Blocking
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> onEvaluation(Message<ConsumerRecord<String, DecodedEvent>> message)
            throws InterruptedException {
        return intake.process(EVALUATIONS_CHANNEL, message, EvaluationCompleted.class,
                (evaluation, run, compute) -> retention.evaluated(run, evaluation.generation()));
    }

    private void pretrain(RunRequested request, Run run, ComputeTime compute) {
        long started = System.nanoTime();
        outbox.publishOnce(run.runId(), 0, ObjectOutbox.CHECKPOINT_EVENT,
                () -> new PretrainingInputs(artifacts.trainText(run), artifacts.baseModel(run)),
                inputs -> {
                    TrainedCheckpoint trained = compute.measure(() -> GenerationSteps.pretrain(run.config(),
                            inputs.realTrain(), inputs.baseModel(), new ProgressLog(run.runId())));
                    return published(run, 0, trained, null, request.inputs().train().sha256(), started);
                });
    }

    /** What generation 0 starts from: the real text and, for a pretrained run, the base model's directory. */
    private record PretrainingInputs(byte[] realTrain, Path baseModel) {
    }

    private void trainNext(CorpusGenerated corpus, Run run, ComputeTime compute) {
        ExperimentConfig config = run.config();
        int parent = corpus.generation();
        if (parent >= config.generations()) {
            LOG.debugf("Run %s: corpus %d is the last generation's; nothing more to train", run.runId(), parent);
            return;
        }
        int generation = parent + 1;
        long started = System.nanoTime();
        outbox.publishOnce(run.runId(), generation, ObjectOutbox.CHECKPOINT_EVENT,
                () -> {
                    byte[] parentCheckpoint = artifacts.checkpoint(run.runId(), parent, corpus.checkpointSha256());
                    return new TrainingInputs(parentCheckpoint,
                            TrainingMix.forGeneration(config, artifacts.trainText(run), corpora(run, corpus),
                                    generation), anchorInputs(run, parent, parentCheckpoint));
                },
                inputs -> {
                    TrainedCheckpoint trained = compute.measure(() -> GenerationSteps.trainNext(config,
                            inputs.parentCheckpoint(), inputs.mix(), generation, inputs.anchors(),
                            new ProgressLog(run.runId())));
                    return published(run, generation, trained, corpus.checkpointSha256(),
                            Sha256.hex(inputs.mix()), started);
                });
        retention.checkpointPublished(run, generation);
    }

    /**
     * What training a generation after the first reads: the parent checkpoint, the training mix and, for an anchored
     * run, what its anchors read (null otherwise).
     */
    private record TrainingInputs(byte[] parentCheckpoint, byte[] mix, AnchorInputs anchors) {
    }

    /**
     * Generation 0's checkpoint, as its recorded {@code CheckpointPublished} names it, and the real training text,
     * where {@code selfTraining} anchors the run to its start; null where it does not.
     */
    private AnchorInputs anchorInputs(Run run, int parent, byte[] parentCheckpoint) {
        if (!run.config().selfTraining().anchored()) {
            return null;
        }
        String runId = run.runId();
        byte[] generation0 = parent == 0 ? parentCheckpoint : files.readEvent(runId, 0, ObjectOutbox.CHECKPOINT_EVENT)
                .map(event -> artifacts.checkpoint(runId, 0, ((CheckpointPublished) event).checkpoint()))
                .orElseThrow(() -> new IllegalStateException("run " + runId + " is anchored to generation 0, but "
                        + "its CheckpointPublished is not recorded in the store"));
        return new AnchorInputs(generation0, artifacts.trainText(run));
    }

    /** The corpora the mix of the generation after {@code latest} is built from, oldest first. */
    private List<byte[]> corpora(Run run, CorpusGenerated latest) {
        String runId = run.runId();
        List<byte[]> corpora = new ArrayList<>();
        for (int g : TrainingMix.corpusGenerations(run.config().mixing(), latest.generation() + 1)) {
            if (g == latest.generation()) {
                corpora.add(artifacts.corpus(runId, g, latest.corpus()));
            } else {
                // The digest of an earlier corpus is the one its CorpusGenerated announced.
                CollapseEvent announced = files.readEvent(runId, g, ObjectOutbox.CORPUS_EVENT)
                        .orElseThrow(() -> new IllegalStateException("the " + run.config().mixing().policy()
                                + " mix needs corpus " + g + " of run " + runId + ", but its CorpusGenerated is not"
                                + " recorded in the store"));
                corpora.add(artifacts.corpus(runId, g, ((CorpusGenerated) announced).corpus()));
            }
        }
        return corpora;
    }

    private CheckpointPublished published(Run run, int generation, TrainedCheckpoint trained, String parentSha256,
                                          String trainedOnSha256, long startedNanos) {
        metrics.throughput("train", trained.tokensSeen(), trained.computeMs());
        ObjectRef checkpoint = artifacts.storeCheckpoint(run.runId(), generation, trained.checkpoint());
        long wallMs = (System.nanoTime() - startedNanos) / 1_000_000;
        LOG.infof("Run %s: trained generation %d in %d ms (%d steps, train loss %.4f nats/token)", run.runId(),
                generation, wallMs, trained.steps(), trained.trainLoss());
        return CheckpointPublished.of(run.runId(), generation, Instant.now(), identity.producer(), checkpoint,
                parentSha256, trainedOnSha256, trained.steps(), trained.tokensSeen(), trained.trainLoss(), wallMs);
    }
}
