package io.collapselab.artifacts;

import java.util.Objects;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's bucket, created on first use if it does not exist. Every S3 call of the store goes through
 * {@link #call}, so that the first one, whichever it is, makes sure of the bucket.
 */
final class Bucket {

    // The store's name: what its log lines have always been filed under.
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactStore.class);

    private final MinioClient client;
    private final S3Settings settings;
    private final Retries retries;
    private volatile boolean ready;

    Bucket(MinioClient client, S3Settings settings, Retries retries) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.retries = Objects.requireNonNull(retries, "retries");
    }

    /** Runs an S3 call in the bucket with {@link Retries#run}, once the bucket exists. */
    <T> T call(String operation, ObjectKey key, S3Call<T> call) {
        ensureExists(operation);
        return retries.run(operation, key, call);
    }

    private void ensureExists(String operation) {
        if (ready) {
            return;
        }
        synchronized (this) {
            if (ready) {
                return;
            }
            retries.run(operation + " (ensuring bucket " + settings.bucket() + " exists)", null, () -> {
                if (!client.bucketExists(BucketExistsArgs.builder().bucket(settings.bucket()).build())) {
                    try {
                        client.makeBucket(MakeBucketArgs.builder().bucket(settings.bucket()).build());
                        LOG.info("Created bucket {} at {}", settings.bucket(), settings.endpoint());
                    } catch (ErrorResponseException e) {
                        // Created concurrently by another process: the bucket exists, which is all we need.
                        if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
                            throw e;
                        }
                    }
                }
                return null;
            });
            ready = true;
        }
    }
}
