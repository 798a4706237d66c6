package io.collapselab.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints, corpora and run inputs in an S3 bucket (MinIO, S3Proxy, AWS), each stored under its
 * {@link ObjectKey} with the SHA-256 of its content in the object's user metadata ({@code x-amz-meta-sha256}).
 *
 * <ul>
 *   <li>Objects are immutable: writing a key again with the same content is a no-op that returns the stored
 *       object (so retried handlers are idempotent); writing different content is an {@link ObjectConflictException}.
 *       Where the server supports conditional writes ({@code If-None-Match: *}; S3Proxy, MinIO and AWS do), a
 *       write is one request and two writers racing for one key cannot both win; on other servers each write
 *       checks the key first. Which applies is found out at the first write, with a small object at
 *       {@value ConditionalWrites#PROBE_KEY} in the bucket.</li>
 *   <li>Reads check the digest of the bytes actually read against the digest the caller expects, not against the
 *       stored metadata, and throw {@link DigestMismatchException} on a difference.</li>
 *   <li>Transient failures (connection refused or reset, timeouts, HTTP 5xx, throttling) are retried according to
 *       the {@link RetryPolicy}; other failures (missing objects, denied credentials) are not.</li>
 *   <li>The bucket is created on first use if it does not exist.</li>
 * </ul>
 * Thread-safe. Close it to release its HTTP connections and threads.
 */
public final class ArtifactStore implements AutoCloseable {

    /** User-metadata name of the content digest; S3 returns it as header {@code x-amz-meta-sha256}. */
    static final String SHA256_METADATA = "sha256";

    private static final Logger LOG = LoggerFactory.getLogger(ArtifactStore.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    // Per socket read or write, not per request: large objects still stream for as long as they need.
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final S3Settings settings;
    private final MinioClient client;
    private final MinioClient probeClient;
    private final Bucket bucket;
    private final ConditionalWrites conditionalWrites;

    public ArtifactStore(S3Settings settings) {
        this(settings, RetryPolicy.DEFAULT);
    }

    public ArtifactStore(S3Settings settings, RetryPolicy retryPolicy) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Retries retries = new Retries(settings, retryPolicy);
        // Our own HTTP client: MinIO's default one retries 5xx responses itself, which would multiply with the
        // retries here and hide them from the log.
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(CONNECT_TIMEOUT)
                .readTimeout(IO_TIMEOUT)
                .writeTimeout(IO_TIMEOUT)
                .protocols(List.of(Protocol.HTTP_1_1))
                .socketFactory(new NoDelaySocketFactory())
                .build();
        OkHttpClient probeHttp = http.newBuilder()
                .connectTimeout(PROBE_TIMEOUT)
                .readTimeout(PROBE_TIMEOUT)
                .callTimeout(PROBE_TIMEOUT)
                .build();
        this.client = minioClient(settings, http, true);
        // Shares the connection pool and dispatcher of the main client, which closes them.
        this.probeClient = minioClient(settings, probeHttp, false);
        this.bucket = new Bucket(client, settings, retries);
        this.conditionalWrites = new ConditionalWrites(client, settings, bucket);
    }

    public S3Settings settings() {
        return settings;
    }

    /**
     * Stores a stream of unknown length. The stream is copied to a temporary file (deleted afterwards) while its
     * digest is computed, because the digest must travel in the request headers, before the content. The stream is
     * read to its end but not closed.
     */
    public StoredObject put(ObjectKey key, InputStream content) {
        Objects.requireNonNull(content, "content");
        Path spool = null;
        try {
            spool = Files.createTempFile("collapse-artifact-", ".spool");
            String sha256;
            try (OutputStream out = Files.newOutputStream(spool)) {
                sha256 = Digests.copyWithSha256(content, out);
            }
            return putFile(key, spool, sha256, Files.size(spool));
        } catch (IOException e) {
            throw new ArtifactStoreException("cannot spool the content for " + key.toUri(settings.bucket())
                    + " to a temporary file in " + System.getProperty("java.io.tmpdir") + ": " + e, e);
        } finally {
            deleteTemporary(spool);
        }
    }

    public StoredObject put(ObjectKey key, byte[] content) {
        Objects.requireNonNull(content, "content");
        String sha256 = Digests.sha256(content);
        return putIfAbsent(key, sha256, content.length, headers -> client.putObject(PutObjectArgs.builder()
                .bucket(settings.bucket())
                .object(key.key())
                .data(content, content.length)
                .checksum(Digests.UPLOAD_CHECKSUM)
                .contentType(contentType(key))
                .userMetadata(Map.of(SHA256_METADATA, sha256))
                .extraHeaders(headers)
                .build()));
    }

    /** Stores a file; it must not change while it is being stored. */
    public StoredObject put(ObjectKey key, Path file) {
        Objects.requireNonNull(file, "file");
        String sha256;
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            sha256 = Digests.sha256(in);
            size = Files.size(file);
        } catch (IOException e) {
            throw new ArtifactStoreException("cannot read " + file + " to store it as "
                    + key.toUri(settings.bucket()) + ": " + e, e);
        }
        return putFile(key, file, sha256, size);
    }

    /**
     * Reads a whole object into memory and checks its digest.
     *
     * @throws ObjectNotFoundException if there is no such object
     * @throws DigestMismatchException if the bytes read do not have {@code expectedSha256}
     */
    public byte[] get(ObjectKey key, String expectedSha256) {
        Digests.requireSha256(expectedSha256);
        byte[] content = bucket.call("get " + key, key, () -> {
            try (GetObjectResponse in = client.getObject(GetObjectArgs.builder()
                    .bucket(settings.bucket()).object(key.key()).build())) {
                return in.readAllBytes();
            }
        });
        Digests.requireMatch(key, settings.bucket(), expectedSha256, Digests.sha256(content));
        return content;
    }

    /**
     * Streams an object to {@code target} (replacing it) and checks its digest. The content goes to a temporary
     * file next to the target first, so {@code target} only ever appears complete and verified.
     *
     * @throws ObjectNotFoundException if there is no such object
     * @throws DigestMismatchException if the bytes read do not have {@code expectedSha256}; target is untouched
     */
    public void getTo(ObjectKey key, String expectedSha256, Path target) {
        Digests.requireSha256(expectedSha256);
        Path absolute = target.toAbsolutePath();
        Path partial = null;
        try {
            Files.createDirectories(absolute.getParent());
            partial = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", ".part");
            Path download = partial;
            String actual = bucket.call("get " + key, key, () -> {
                try (GetObjectResponse in = client.getObject(GetObjectArgs.builder()
                        .bucket(settings.bucket()).object(key.key()).build());
                     OutputStream out = Files.newOutputStream(download)) {
                    return Digests.copyWithSha256(in, out);
                }
            });
            Digests.requireMatch(key, settings.bucket(), expectedSha256, actual);
            Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ArtifactStoreException("cannot write " + key.toUri(settings.bucket()) + " to " + absolute
                    + ": " + e, e);
        } finally {
            deleteTemporary(partial);
        }
    }

    /** The stored object's digest and size, or empty if there is none under the key. */
    public Optional<StoredObject> stat(ObjectKey key) {
        return bucket.call("stat " + key, key, () -> statOnce(key));
    }

    public boolean exists(ObjectKey key) {
        return stat(key).isPresent();
    }

    /**
     * Removes the object under the key; nothing happens when there is none. On a bucket with versioning the object's
     * data stays as a noncurrent version until the bucket's lifecycle rules expire it.
     */
    public void delete(ObjectKey key) {
        bucket.call("delete " + key, key, () -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(settings.bucket()).object(key.key()).build());
            return null;
        });
    }

    /**
     * All objects of a run (everything under {@code runs/<runId>/}), sorted by key. Costs one listing plus one
     * metadata request per object, since listings do not carry user metadata.
     */
    public List<StoredObject> list(String runId) {
        String prefix = ObjectKey.runPrefix(runId);
        List<String> keys = bucket.call("list " + prefix, null, () -> {
            List<String> names = new ArrayList<>();
            for (Result<Item> item : client.listObjects(ListObjectsArgs.builder()
                    .bucket(settings.bucket()).prefix(prefix).recursive(true).build())) {
                names.add(item.get().objectName());
            }
            return names;
        });
        List<StoredObject> objects = new ArrayList<>();
        for (String name : keys) {
            ObjectKey key;
            try {
                key = ObjectKey.parseKey(name);
            } catch (IllegalArgumentException e) {
                LOG.warn("Skipping s3://{}/{} while listing run {}: {}", settings.bucket(), name, runId,
                        e.getMessage());
                continue;
            }
            // An object deleted between the listing and its stat is simply no longer part of the run.
            stat(key).ifPresent(objects::add);
        }
        objects.sort(Comparator.comparing(o -> o.key().key()));
        return objects;
    }

    /**
     * Whether the S3 server answers a bucket-exists request with these credentials within two seconds; for
     * readiness checks, so it never retries and never throws.
     */
    public boolean isReachable() {
        try {
            probeClient.bucketExists(BucketExistsArgs.builder().bucket(settings.bucket()).build());
            return true;
        } catch (Exception e) {
            LOG.debug("S3 at {} is not reachable: {}", settings.endpoint(), Retries.describe(e));
            return false;
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            throw new ArtifactStoreException("closing the S3 client for " + settings.endpoint() + " failed: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "ArtifactStore[" + settings.endpoint() + ", bucket " + settings.bucket() + "]";
    }

    private StoredObject putFile(ObjectKey key, Path file, String sha256, long size) {
        return putIfAbsent(key, sha256, size, headers -> client.uploadObject(UploadObjectArgs.builder()
                .bucket(settings.bucket())
                .object(key.key())
                .filename(file.toString())
                .checksum(Digests.UPLOAD_CHECKSUM)
                .contentType(contentType(key))
                .userMetadata(Map.of(SHA256_METADATA, sha256))
                .extraHeaders(headers)
                .build()));
    }

    /** Uploads content with a known digest unless the key already holds it; see the class comment. */
    private StoredObject putIfAbsent(ObjectKey key, String sha256, long size, Upload upload) {
        boolean conditional = conditionalWrites.supported();
        return bucket.call("put " + key, null, () -> {
            if (conditional) {
                try {
                    upload.run(ConditionalWrites.IF_NONE_MATCH);
                } catch (ErrorResponseException e) {
                    if (e.response().code() != 412) {
                        throw e;
                    }
                    // The key holds an object already: stored earlier, or by a writer racing with us.
                    StoredObject existing = statOnce(key).orElseThrow(() -> e);
                    return requireSameContent(existing, sha256);
                }
            } else {
                Optional<StoredObject> existing = statOnce(key);
                if (existing.isPresent()) {
                    return requireSameContent(existing.get(), sha256);
                }
                upload.run(Map.of());
            }
            LOG.debug("Stored {} ({} bytes, sha256 {})", key.toUri(settings.bucket()), size, sha256);
            return new StoredObject(key, key.toUri(settings.bucket()), sha256, size);
        });
    }

    private StoredObject requireSameContent(StoredObject existing, String sha256) {
        if (!existing.sha256().equals(sha256)) {
            throw new ObjectConflictException(existing.key(), settings.bucket(), existing.sha256(), sha256);
        }
        return existing;
    }

    private Optional<StoredObject> statOnce(ObjectKey key) throws Exception {
        StatObjectResponse stat;
        try {
            stat = client.statObject(StatObjectArgs.builder().bucket(settings.bucket()).object(key.key()).build());
        } catch (ErrorResponseException e) {
            if (Retries.isNoSuchKey(e)) {
                return Optional.empty();
            }
            throw e;
        }
        String sha256 = stat.userMetadata().getFirst(SHA256_METADATA);
        if (!Digests.isSha256(sha256)) {
            throw new ArtifactStoreException(key.toUri(settings.bucket()) + " at " + settings.endpoint()
                    + " carries no valid x-amz-meta-" + SHA256_METADATA + " (found '" + sha256 + "'): it was not"
                    + " written by ArtifactStore, or the S3 server dropped its metadata (S3Proxy's filesystem"
                    + " backend does on filesystems without extended attributes); delete it and write it again");
        }
        return Optional.of(new StoredObject(key, key.toUri(settings.bucket()), sha256, stat.size()));
    }

    private static String contentType(ObjectKey key) {
        return key.key().endsWith(".txt") ? "text/plain; charset=utf-8" : "application/octet-stream";
    }

    private static MinioClient minioClient(S3Settings settings, OkHttpClient http, boolean closeHttpClient) {
        return MinioClient.builder()
                .endpoint(settings.endpoint())
                .region(settings.region())
                .credentials(settings.accessKey(), settings.secretKey())
                .httpClient(http, closeHttpClient)
                .build();
    }

    /** Runs in finally blocks, so it logs rather than throws: a leftover temp file must not mask the real error. */
    private static void deleteTemporary(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not delete temporary file {}: {}", file, e.toString());
        }
    }

    @FunctionalInterface
    private interface Upload {
        void run(Map<String, String> conditionalHeaders) throws Exception;
    }
}
