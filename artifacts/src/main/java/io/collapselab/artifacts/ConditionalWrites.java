package io.collapselab.artifacts;

import java.util.Map;
import java.util.Objects;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the server refuses a write with {@code If-None-Match: *} to a key that exists, so that a write can be one
 * request that two writers racing for one key cannot both win. Found out once, at the first write, by writing
 * {@value #PROBE_KEY} conditionally (twice when it did not exist yet): a 412 means yes; two accepted writes, or 501
 * Not Implemented, mean the server ignores or rejects the header.
 */
final class ConditionalWrites {

    /** Where the probe writes; outside {@code runs/}, so no run ever lists it. */
    static final String PROBE_KEY = "collapse-lab/conditional-write-probe";
    /** The headers that make a write fail with 412 Precondition Failed where the key holds an object already. */
    static final Map<String, String> IF_NONE_MATCH = Map.of("If-None-Match", "*");

    // The store's name: what its log lines have always been filed under.
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactStore.class);
    private static final byte[] PROBE_CONTENT = new byte[0];

    private final MinioClient client;
    private final S3Settings settings;
    private final Bucket bucket;
    private volatile Boolean supported;

    ConditionalWrites(MinioClient client, S3Settings settings, Bucket bucket) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
    }

    /** Probes the server on the first call; a server that does not refuse is warned about once, in the log. */
    boolean supported() {
        Boolean known = supported;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (supported == null) {
                supported = bucket.call("probe conditional writes", null, this::probe);
                if (!supported) {
                    LOG.warn("The S3 server at {} does not refuse conditional writes (If-None-Match) to existing"
                            + " keys; checking each key before writing it instead, which cannot stop two writers"
                            + " racing for one key", settings.endpoint());
                }
            }
            return supported;
        }
    }

    private boolean probe() throws Exception {
        for (int write = 0; write < 2; write++) {
            try {
                client.putObject(PutObjectArgs.builder()
                        .bucket(settings.bucket())
                        .object(PROBE_KEY)
                        .data(PROBE_CONTENT, PROBE_CONTENT.length)
                        .checksum(Digests.UPLOAD_CHECKSUM)
                        .extraHeaders(IF_NONE_MATCH)
                        .build());
            } catch (ErrorResponseException e) {
                int status = e.response().code();
                if (status == 412 || status == 501) {
                    return status == 412;
                }
                throw e;
            }
        }
        return false;
    }
}
