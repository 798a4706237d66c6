package io.collapselab.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.DigestMismatchException;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.artifacts.S3Settings;
import io.collapselab.events.RunRequested;
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

/** A run's inputs against a real S3 server: verified once, then served from memory. */
@ExtendWith(LocalStackExtension.class)
class RunArtifactsIT {

    private final LocalStack stack;
    private final ArtifactStore store;

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
        RunArtifacts artifacts = new RunArtifacts(store);
        byte[] first = artifacts.trainText(run);

        tamper(ObjectKey.input(run.runId(), RunArtifacts.TRAIN_INPUT));

        assertArrayEquals(first, artifacts.trainText(run), "the verified copy, not the tampered object");
        assertArrayEquals(TestRuns.trainText(), first);
    }

    @Test
    void anInputNotYetReadIsVerifiedAgainstItsDigest() throws IOException {
        RunRequested request = TestRuns.request(store, "run-tampered", TestRuns.tinyConfig());
        tamper(ObjectKey.input("run-tampered", RunArtifacts.HELDOUT_INPUT));

        RunArtifacts artifacts = new RunArtifacts(store);

        assertThrows(DigestMismatchException.class, () -> artifacts.heldoutText(Run.of(request)));
    }

    /** Rewrites the object behind the store's back, as a faulty disk or an intruder would. */
    private void tamper(ObjectKey key) throws IOException {
        // The filesystem backend stores the object with key k of bucket b as the file <s3DataDir>/b/k.
        Path file = stack.s3DataDir().resolve(stack.bucket()).resolve(key.key());
        Files.write(file, "not the text that was submitted".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.TRUNCATE_EXISTING);
    }
}
