package io.collapselab.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.DigestMismatchException;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.artifacts.S3Settings;
import io.collapselab.artifacts.StoredObject;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.RunInputs;
import io.collapselab.events.RunRequested;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.ModelSettings;
import io.collapselab.lm.Sha256;
import io.collapselab.lm.model.Checkpoint;
import io.collapselab.lm.model.GptConfig;
import io.collapselab.lm.model.LanguageModel;
import io.collapselab.lm.model.TrainingProgress;
import io.collapselab.lm.tokenizer.ByteTokenizer;
import io.collapselab.localstack.LocalStack;
import io.collapselab.localstack.LocalStackExtension;
import io.collapselab.service.testing.TestRuns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's objects against a real S3 server: inputs verified once are then served from memory; everything else,
 * checkpoints streamed in and out included, is read from the store and verified every time.
 */
@ExtendWith(LocalStackExtension.class)
class RunArtifactsIT {

    private final LocalStack stack;
    private final ArtifactStore store;
    @TempDir
    Path modelCache;

    RunArtifactsIT(LocalStack stack) {
        this.stack = stack;
        this.store = new ArtifactStore(new S3Settings(stack.s3Endpoint(), stack.s3AccessKey(), stack.s3SecretKey(),
                stack.bucket(), stack.s3Region()));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void anInputIsVerifiedOnceAndThenServedWithoutTheStore() throws IOException {
        Run run = Run.of(TestRuns.request(store, "run-cached", TestRuns.tinyConfig()));
        RunArtifacts artifacts = new RunArtifacts(store, modelCache);
        byte[] first = artifacts.trainText(run);

        tamper(ObjectKey.input(run.runId(), RunArtifacts.TRAIN_INPUT));

        assertArrayEquals(first, artifacts.trainText(run), "the verified copy, not the tampered object");
        assertArrayEquals(TestRuns.trainText(), first);
    }

    @Test
    void anInputNotYetReadIsVerifiedAgainstItsDigest() throws IOException {
        RunRequested request = TestRuns.request(store, "run-tampered", TestRuns.tinyConfig());
        tamper(ObjectKey.input("run-tampered", RunArtifacts.HELDOUT_INPUT));

        RunArtifacts artifacts = new RunArtifacts(store, modelCache);

        assertThrows(DigestMismatchException.class, () -> artifacts.heldoutText(Run.of(request)));
    }

    @Test
    void aCheckpointIsStreamedToTheStoreAndBackAndVerifiedAtEveryRead() throws IOException {
        RunArtifacts artifacts = new RunArtifacts(store, modelCache);
        try (LanguageModel model = LanguageModel.create(new GptConfig(1, 2, 16, 8, 256, 0f), ByteTokenizer.INSTANCE,
                1)) {
            model.setProgress(new TrainingProgress(3, 300, 3, 9));
            RunArtifacts.StoredCheckpoint stored = artifacts.storeCheckpoint("run-stored", 3, model);
            ObjectRef weights = stored.checkpoint();
            ObjectRef state = stored.trainingState();

            assertEquals(Sha256.hex(Checkpoint.weights(model)), weights.sha256());
            assertEquals(Sha256.hex(Checkpoint.trainingState(model)), state.sha256());
            assertEquals(ObjectKey.trainingState("run-stored", 3).toUri(stack.bucket()), state.uri());
            try (LanguageModel forSampling = artifacts.checkpointSource("run-stored", 3, weights).open();
                 LanguageModel forTraining = artifacts.trainingSource("run-stored", 3, weights.sha256(), state)
                         .open()) {
                assertArrayEquals(Checkpoint.weights(model), Checkpoint.weights(forSampling));
                assertEquals(TrainingProgress.START, forSampling.progress(), "the weights carry no training state");
                assertEquals(model.progress(), forTraining.progress());
                assertArrayEquals(Checkpoint.trainingState(model), Checkpoint.trainingState(forTraining));
            }

            tamper(ObjectKey.trainingState("run-stored", 3));
            assertThrows(DigestMismatchException.class,
                    () -> artifacts.trainingSource("run-stored", 3, weights.sha256(), state).open(),
                    "the process that stored it verifies it like any other");
            tamper(ObjectKey.checkpoint("run-stored", 3));
            assertThrows(DigestMismatchException.class,
                    () -> artifacts.checkpointSource("run-stored", 3, weights).open());
        }
    }

    @Test
    void aRunsBaseModelIsDownloadedOnceVerifiedIntoADirectoryNamedByItsDigests() throws IOException {
        byte[] config = "{\"model_type\": \"gpt2\"}".getBytes(StandardCharsets.UTF_8);
        byte[] weights = {7, 7, 7, 7};
        RunRequested fresh = TestRuns.request(store, "run-pretrained", TestRuns.tinyConfig());
        ExperimentConfig pretrained = fresh.config().withModel(fresh.config().model().initializedFrom("tiny-gpt2",
                fresh.config().model().layers(), fresh.config().model().heads(), fresh.config().model().width(),
                ModelSettings.GELU_TANH));
        RunInputs.BaseModel base = new RunInputs.BaseModel(modelFile(config, "config.json"),
                modelFile(weights, "model.safetensors"));
        Run run = Run.of(RunRequested.of(fresh.runId(), fresh.occurredAt(), fresh.producer(), pretrained,
                new RunInputs(fresh.inputs().train(), fresh.inputs().heldout(), base)));
        RunArtifacts artifacts = new RunArtifacts(store, modelCache);

        Path directory = artifacts.baseModel(run);
        tamper(ObjectKey.modelFile(base.weights().sha256(), "model.safetensors"));

        assertEquals(modelCache.resolve(base.config().sha256() + "-" + base.weights().sha256()), directory);
        assertArrayEquals(config, Files.readAllBytes(directory.resolve("config.json")));
        assertArrayEquals(weights, Files.readAllBytes(directory.resolve("model.safetensors")));
        assertEquals(directory, artifacts.baseModel(run), "the downloaded copy, not the tampered object");
        assertThrows(DigestMismatchException.class, () -> new RunArtifacts(store, Files.createTempDirectory(
                modelCache, "other")).baseModel(run), "a process without the copy verifies what it downloads");
        assertEquals(null, new RunArtifacts(store, modelCache).baseModel(Run.of(fresh)));
    }

    private ObjectRef modelFile(byte[] content, String name) {
        StoredObject stored = store.put(ObjectKey.modelFile(Sha256.hex(content), name), content);
        return new ObjectRef(stored.uri(), stored.sha256(), stored.size());
    }

    /** Rewrites the object behind the store's back, as a faulty disk or an intruder would. */
    private void tamper(ObjectKey key) throws IOException {
        // The filesystem backend stores the object with key k of bucket b as the file <s3DataDir>/b/k.
        Path file = stack.s3DataDir().resolve(stack.bucket()).resolve(key.key());
        Files.write(file, "not the text that was submitted".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.TRUNCATE_EXISTING);
    }
}
