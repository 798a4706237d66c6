package io.collapselab.service.testing;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectConflictException;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.artifacts.StoredObject;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.ProducerInfo;
import io.collapselab.events.RunInputs;
import io.collapselab.events.RunRequested;
import io.collapselab.events.json.EventJson;
import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.Presets;
import io.collapselab.experiment.SamplingSettings;
import io.collapselab.experiment.TrainingSettings;
import io.collapselab.lm.data.Wikitext2;
import io.collapselab.lm.loop.GenerationSteps.TrainedCheckpoint;
import io.collapselab.lm.loop.GenerationSteps;
import io.collapselab.lm.model.Checkpoint;
import io.collapselab.service.ObjectOutbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

/** Runs small enough for component tests, on the real text that ships with {@code lm}. */
public final class TestRuns {

    /** Who submits the test runs. */
    public static final ProducerInfo SUBMITTER = new ProducerInfo("cli", "junit", "0.1.0");

    private TestRuns() {
    }

    /**
     * The {@code smoke} preset shrunk further, so that every step of a generation takes well under a second: a
     * one-layer byte-level model, a few training steps, 128 sampled tokens per generation, two generations.
     */
    public static ExperimentConfig tinyConfig() {
        ExperimentConfig smoke = Presets.get("smoke");
        return new ExperimentConfig("tiny", smoke.model(),
                new TrainingSettings(8, 4, 3e-3, 3e-3, TrainingSettings.CONSTANT, 0, 0.9, 0.95, 0.1, 1.0, false),
                new TrainingSettings(4, 4, 3e-3, 3e-3, TrainingSettings.CONSTANT, 0, 0.9, 0.95, 0.1, 1.0, true),
                2,
                new SamplingSettings(128, 4, 1.0, 0, 1.0, "\n", true, SamplingSettings.FAST_WINDOW),
                smoke.mixing(),
                new EvaluationSettings(1024, 16, 0.1, 120, EvaluationSettings.WHOLE_TEXT, 100, 1),
                smoke.collapse(),
                smoke.seed()).validated();
    }

    /** The first 20 kB of WikiText-2's test split, the runs' training text. */
    public static byte[] trainText() {
        return Arrays.copyOf(Wikitext2.shippedTrainText(), 20_000);
    }

    /** The first 8 kB of WikiText-2's validation split, the runs' held-out text. */
    public static byte[] heldoutText() {
        return Arrays.copyOf(Wikitext2.shippedHeldoutText(), 8_000);
    }

    /** The corpus size of a run on {@link #trainText()}, as a generator resolves it. */
    public static int corpusTokens(ExperimentConfig config, TrainedCheckpoint checkpoint) {
        return GenerationSteps.corpusTokens(config, Checkpoint.readTokenizer(checkpoint.checkpoint()),
                TestRuns::trainText);
    }

    /** Uploads the run's inputs as a submitter does and returns the request naming them. */
    public static RunRequested request(ArtifactStore store, String runId, ExperimentConfig config) {
        StoredObject train = store.put(ObjectKey.input(runId, "train.txt"), trainText());
        StoredObject heldout = store.put(ObjectKey.input(runId, "heldout.txt"), heldoutText());
        return RunRequested.of(runId, Instant.now(), SUBMITTER, config,
                new RunInputs(ref(train), ref(heldout)));
    }

    /**
     * Inputs at the keys a submitter uploads them to, both claimed to have digest {@code sha256}; nothing is
     * uploaded. For requests whose inputs are never read, or read only to be found wrong.
     */
    public static RunInputs claimedInputs(String bucket, String runId, String sha256) {
        return new RunInputs(new ObjectRef(ObjectKey.input(runId, "train.txt").toUri(bucket), sha256, 20_000),
                new ObjectRef(ObjectKey.input(runId, "heldout.txt").toUri(bucket), sha256, 8_000));
    }

    /**
     * Stores a generation's checkpoint and records its announcement as the trainer does, and returns the
     * announcement (the one recorded before, when called again).
     */
    public static CheckpointPublished checkpointPublished(ArtifactStore store, RunRequested request,
                                                          TrainedCheckpoint checkpoint, int generation) {
        ObjectRef state = ref(store.put(ObjectKey.trainingState(request.runId(), generation),
                checkpoint.trainingState()));
        ObjectRef stored = ref(store.put(ObjectKey.checkpoint(request.runId(), generation), checkpoint.checkpoint()));
        return record(store, ObjectOutbox.CHECKPOINT_EVENT, CheckpointPublished.of(request.runId(), generation,
                Instant.now(), SUBMITTER, stored, state, null, request.inputs().train().sha256(), checkpoint.steps(),
                checkpoint.tokensSeen(), checkpoint.trainLoss(), 1));
    }

    /**
     * Where the layout puts a generation's training state, under a digest no object has: for events that name a
     * checkpoint nobody trains on.
     */
    public static ObjectRef claimedTrainingState(String bucket, String runId, int generation) {
        return new ObjectRef(ObjectKey.trainingState(runId, generation).toUri(bucket), "f".repeat(64), 200);
    }

    /**
     * Records {@code event} under {@code name} beside its generation's objects, as the service that publishes it
     * does before publishing (services act only on recorded events); returns the event recorded there first.
     */
    @SuppressWarnings("unchecked")
    public static <E extends CollapseEvent> E record(ArtifactStore store, String name, E event) {
        ObjectKey key = ObjectKey.generationFile(event.runId(), event.generation(), name);
        try {
            store.put(key, EventJson.toBytes(event));
            return event;
        } catch (ObjectConflictException recordedBefore) {
            return (E) EventJson.readEvent(store.get(key, store.stat(key).orElseThrow().sha256()));
        }
    }

    public static ObjectRef ref(StoredObject stored) {
        return new ObjectRef(stored.uri(), stored.sha256(), stored.size());
    }
}
