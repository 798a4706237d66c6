package io.collapselab.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import io.collapselab.localstack.LocalStack;
import io.collapselab.localstack.LocalStackExtension;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The store against a real S3 server: the local stack's S3Proxy with its filesystem backend. */
@ExtendWith(LocalStackExtension.class)
class ArtifactStoreIT {

    private static final int MULTIPART_SIZE = 12 * 1024 * 1024; // MinIO switches to 5 MiB parts above 5 MiB

    private final LocalStack stack;
    private final ArtifactStore store;
    // Each test writes under its own run so that tests sharing the class's stack never see each other's objects.
    private final String runId = "run-" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    Path tempDir;

    ArtifactStoreIT(LocalStack stack) {
        this.stack = stack;
        this.store = new ArtifactStore(settings(stack, stack.bucket(), stack.s3SecretKey()));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void roundTripsBytesStreamsAndFilesWithTheirSha256() throws Exception {
        byte[] checkpoint = "weights".getBytes(StandardCharsets.UTF_8);
        byte[] corpus = "the the the".getBytes(StandardCharsets.UTF_8);
        Path input = Files.writeString(tempDir.resolve("train.txt"), "real text");

        StoredObject storedCheckpoint = store.put(ObjectKey.checkpoint(runId, 0), checkpoint);
        StoredObject storedCorpus = store.put(ObjectKey.corpus(runId, 0), new ByteArrayInputStream(corpus));
        StoredObject storedInput = store.put(ObjectKey.input(runId, "train.txt"), input);

        assertEquals(new StoredObject(ObjectKey.checkpoint(runId, 0),
                "s3://" + stack.bucket() + "/runs/" + runId + "/gen-0000/checkpoint.bin", sha256(checkpoint),
                checkpoint.length), storedCheckpoint);
        assertEquals(sha256(corpus), storedCorpus.sha256());
        assertEquals(corpus.length, storedCorpus.size());
        assertEquals(sha256(Files.readAllBytes(input)), storedInput.sha256());

        assertArrayEquals(checkpoint, store.get(storedCheckpoint.key(), storedCheckpoint.sha256()));
        assertArrayEquals(corpus, store.get(storedCorpus.key(), storedCorpus.sha256()));
        Path target = tempDir.resolve("downloads/train.txt");
        store.getTo(storedInput.key(), storedInput.sha256(), target);
        assertEquals("real text", Files.readString(target));
        assertEquals(Optional.of(storedCheckpoint), store.stat(storedCheckpoint.key()));
    }

    @Test
    void spoolsStreamsOfUnknownLengthAndDeletesTheSpoolFile() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> spoolsBefore = spoolFiles(tmp);
        byte[] corpus = randomBytes(300_000, 1);
        // A stream that hides its length, as a socket or a generator would.
        InputStream unknownLength = new FilterInputStream(new ByteArrayInputStream(corpus)) {
            @Override
            public int available() {
                return 0;
            }
        };
        StoredObject stored = store.put(ObjectKey.corpus(runId, 1), unknownLength);

        assertEquals(sha256(corpus), stored.sha256());
        assertArrayEquals(corpus, store.get(stored.key(), stored.sha256()));
        assertEquals(spoolsBefore, spoolFiles(tmp));
    }

    @Test
    void multipartUploadsKeepTheirDigest() throws Exception {
        byte[] weights = randomBytes(MULTIPART_SIZE, 2);
        Path file = Files.write(tempDir.resolve("checkpoint.bin"), weights);

        StoredObject stored = store.put(ObjectKey.checkpoint(runId, 3), file);

        assertEquals(new StoredObject(stored.key(), stored.uri(), sha256(weights), weights.length),
                store.stat(stored.key()).orElseThrow());
        assertArrayEquals(weights, store.get(stored.key(), sha256(weights)));
    }

    @Test
    void writingEqualContentAgainIsANoOp() throws Exception {
        byte[] checkpoint = randomBytes(1024, 3);
        ObjectKey key = ObjectKey.checkpoint(runId, 1);
        StoredObject first = store.put(key, checkpoint);
        Object fileBefore = fileIdentity(key);

        StoredObject again = store.put(key, checkpoint.clone());

        assertEquals(first, again);
        assertEquals(fileBefore, fileIdentity(key), "the stored file must not have been rewritten");
    }

    @Test
    void refusesDifferentContentUnderAnExistingKey() {
        ObjectKey key = ObjectKey.corpus(runId, 2);
        byte[] original = "original corpus".getBytes(StandardCharsets.UTF_8);
        byte[] other = "another corpus".getBytes(StandardCharsets.UTF_8);
        store.put(key, original);

        ObjectConflictException e = assertThrows(ObjectConflictException.class, () -> store.put(key, other));

        assertEquals(key, e.key());
        assertEquals(sha256(original), e.existingSha256());
        assertEquals(sha256(other), e.newSha256());
        assertTrue(e.getMessage().contains(key.toUri(stack.bucket())), e.getMessage());
        assertArrayEquals(original, store.get(key, sha256(original)));
    }

    @Test
    void serverRefusesConditionalWritesToExistingKeys() throws Exception {
        // put() relies on this to stop two racing writers from both storing their content under one key.
        ObjectKey small = ObjectKey.corpus(runId, 4);
        ObjectKey large = ObjectKey.checkpoint(runId, 4);
        store.put(small, new byte[] {1});
        store.put(large, randomBytes(MULTIPART_SIZE, 4));
        try (MinioClient s3 = MinioClient.builder().endpoint(stack.s3Endpoint()).region(stack.s3Region())
                .credentials(stack.s3AccessKey(), stack.s3SecretKey()).build()) {
            for (var overwrite : Map.of(small, new byte[] {2}, large, randomBytes(MULTIPART_SIZE, 5)).entrySet()) {
                byte[] content = overwrite.getValue();
                ErrorResponseException e = assertThrows(ErrorResponseException.class, () -> s3.putObject(
                        PutObjectArgs.builder().bucket(stack.bucket()).object(overwrite.getKey().key())
                                .stream(new ByteArrayInputStream(content), (long) content.length, -1L)
                                .extraHeaders(Map.of("If-None-Match", "*")).build()));
                assertEquals(412, e.response().code(), overwrite.getKey().key());
            }
        }
    }

    @Test
    void streamsContentOfManyPartsFromAWriterAndIntoAReaderWithItsDigest() throws Exception {
        ObjectKey key = ObjectKey.checkpoint(runId, 6);
        byte[] content = randomBytes((int) (2.5 * ArtifactStore.STREAM_PART_BYTES), 6);
        int[] calls = {0};
        ArtifactStore.ContentWriter writer = out -> {
            calls[0]++;
            for (int offset = 0; offset < content.length; offset += 4096) {
                out.write(content, offset, Math.min(4096, content.length - offset));
            }
        };

        StoredObject stored = store.put(key, writer);

        assertEquals(new StoredObject(key, key.toUri(stack.bucket()), sha256(content), content.length), stored);
        assertEquals(2, calls[0], "once for the digest, once for the upload");
        assertArrayEquals(content, store.read(key, stored.sha256(), InputStream::readAllBytes));
        assertEquals(stored, store.put(key, writer), "the same content again is a no-op");
        assertThrows(ObjectConflictException.class, () -> store.put(key, out -> out.write(new byte[] {1})));
    }

    @Test
    void aWriterWhoseContentChangesLeavesNoObject() {
        ObjectKey key = ObjectKey.checkpoint(runId, 7);
        byte[][] contents = {randomBytes(MULTIPART_SIZE, 7), randomBytes(MULTIPART_SIZE, 8)};
        int[] calls = {0};

        ArtifactStoreException e = assertThrows(ArtifactStoreException.class,
                () -> store.put(key, out -> out.write(contents[calls[0]++ % 2])));

        assertTrue(e.getMessage().contains("changed while it was stored"), e.getMessage());
        assertFalse(store.exists(key));
    }

    @Test
    void aStreamedReadOfAlteredContentIsADigestMismatchWhateverTheReaderMakesOfIt() throws Exception {
        ObjectKey key = ObjectKey.checkpoint(runId, 8);
        StoredObject stored = store.put(key, out -> out.write("trained weights".getBytes(StandardCharsets.UTF_8)));
        Files.write(objectFile(key), "trained weightz".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.TRUNCATE_EXISTING);

        assertThrows(DigestMismatchException.class, () -> store.read(key, stored.sha256(), InputStream::readAllBytes));
        assertThrows(DigestMismatchException.class, () -> store.read(key, stored.sha256(), in -> {
            in.read();
            throw new IllegalArgumentException("corrupt checkpoint");
        }), "a reader that fails early is not believed over the digest");
    }

    @Test
    void aReaderThatRefusesVerifiedContentFailsWithItsOwnException() {
        ObjectKey key = ObjectKey.checkpoint(runId, 9);
        StoredObject stored = store.put(key, out -> out.write("format version 99".getBytes(StandardCharsets.UTF_8)));
        IllegalArgumentException refusal = new IllegalArgumentException("format version 99 is not supported");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> store.read(key, stored.sha256(), in -> {
                    throw refusal;
                }));

        assertSame(refusal, e, "neither wrapped nor retried");
    }

    @Test
    void detectsAnObjectTamperedWithAfterItWasWritten() throws Exception {
        ObjectKey key = ObjectKey.checkpoint(runId, 5);
        StoredObject stored = store.put(key, "trained weights".getBytes(StandardCharsets.UTF_8));
        byte[] tampered = "trained weightz".getBytes(StandardCharsets.UTF_8);
        // Rewrite the bytes in place: the metadata (with the original digest) stays attached to the file.
        Files.write(objectFile(key), tampered, StandardOpenOption.TRUNCATE_EXISTING);
        assertEquals(Optional.of(stored), store.stat(key), "metadata still claims the original digest");

        DigestMismatchException e = assertThrows(DigestMismatchException.class, () -> store.get(key, stored.sha256()));
        assertEquals(key, e.key());
        assertEquals(stored.sha256(), e.expectedSha256());
        assertEquals(sha256(tampered), e.actualSha256());

        Path target = tempDir.resolve("restore/checkpoint.bin");
        assertThrows(DigestMismatchException.class, () -> store.getTo(key, stored.sha256(), target));
        try (Stream<Path> left = Files.list(target.getParent())) {
            assertEquals(List.of(), left.toList(), "neither the target nor a partial download may remain");
        }
    }

    @Test
    void reportsMissingObjectsByKey() {
        ObjectKey key = ObjectKey.corpus(runId, 9);

        ObjectNotFoundException e =
                assertThrows(ObjectNotFoundException.class, () -> store.get(key, sha256(new byte[0])));
        assertEquals(key, e.key());
        assertEquals("object " + key.toUri(stack.bucket()) + " does not exist at " + stack.s3Endpoint(),
                e.getMessage());
        assertThrows(ObjectNotFoundException.class, () -> store.getTo(key, sha256(new byte[0]),
                tempDir.resolve("missing.txt")));
        assertEquals(Optional.empty(), store.stat(key));
        assertFalse(store.exists(key));
    }

    @Test
    void listsARunsObjectsSortedByKey() {
        StoredObject corpus1 = store.put(ObjectKey.corpus(runId, 1), new byte[] {1});
        StoredObject checkpoint0 = store.put(ObjectKey.checkpoint(runId, 0), new byte[] {2});
        StoredObject input = store.put(ObjectKey.input(runId, "heldout.txt"), new byte[] {3});
        StoredObject corpus0 = store.put(ObjectKey.corpus(runId, 0), new byte[] {4});
        String otherRun = runId + "-other";
        StoredObject other = store.put(ObjectKey.corpus(otherRun, 0), new byte[] {5});

        assertEquals(List.of(checkpoint0, corpus0, corpus1, input), store.list(runId));
        assertEquals(List.of(other), store.list(otherRun), "a run id that extends another is its own prefix");
        assertEquals(List.of(), store.list(runId + "-never"));
    }

    @Test
    void createsItsBucketOnFirstUse() {
        String bucket = "fresh-" + runId;
        try (ArtifactStore fresh = new ArtifactStore(settings(stack, bucket, stack.s3SecretKey()))) {
            assertTrue(fresh.isReachable());
            StoredObject stored = fresh.put(ObjectKey.input(runId, "train.txt"), new byte[] {7});
            assertTrue(Files.isRegularFile(stack.s3DataDir().resolve(bucket).resolve(stored.key().key())));
            assertTrue(Files.isRegularFile(stack.s3DataDir().resolve(bucket)
                    .resolve(ConditionalWrites.PROBE_KEY)), "S3Proxy was probed for conditional writes");
        }
    }

    @Test
    void failsFastOnWrongCredentials() {
        String wrongSecret = "wrong-" + stack.s3SecretKey();
        try (ArtifactStore wrong = new ArtifactStore(settings(stack, stack.bucket(), wrongSecret),
                new RetryPolicy(5, Duration.ofSeconds(10), Duration.ofSeconds(10)))) {
            assertFalse(wrong.isReachable());
            ArtifactStoreException e = assertThrows(ArtifactStoreException.class,
                    () -> wrong.stat(ObjectKey.checkpoint(runId, 0)));
            // A HEAD response has no body, so the server's SignatureDoesNotMatch arrives as a bare 403.
            assertTrue(e.getMessage().contains("failed after 1 attempt: AccessDenied (HTTP 403)"), e.getMessage());
            assertTrue(e.getMessage().endsWith("check the S3 access key and secret key"), e.getMessage());
            assertFalse(e.getMessage().contains(wrongSecret));
            assertFalse(e.getMessage().contains(stack.s3SecretKey()));
        }
        assertTrue(store.isReachable());
    }

    private Path objectFile(ObjectKey key) {
        // The filesystem backend stores the object with key k of bucket b as the file <s3DataDir>/b/k.
        return stack.s3DataDir().resolve(stack.bucket()).resolve(key.key());
    }

    private Object fileIdentity(ObjectKey key) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(objectFile(key), BasicFileAttributes.class);
        return List.of(String.valueOf(attributes.fileKey()), attributes.lastModifiedTime());
    }

    private static List<Path> spoolFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("collapse-artifact-")).sorted().toList();
        }
    }

    static S3Settings settings(LocalStack stack, String bucket, String secretKey) {
        return new S3Settings(stack.s3Endpoint(), stack.s3AccessKey(), secretKey, bucket, stack.s3Region());
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
