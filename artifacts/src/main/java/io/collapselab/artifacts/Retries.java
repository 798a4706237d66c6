package io.collapselab.artifacts;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.InsufficientDataException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs S3 calls under a {@link RetryPolicy}: a transient failure (connection refused or reset, timeout, HTTP 5xx,
 * throttling) is tried again after a jittered backoff; any other failure, or the last transient one, ends the call
 * with an {@link ArtifactStoreException} that names the operation, the endpoint, the cause and what to check.
 */
final class Retries {

    // The store's name: what its log lines have always been filed under.
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactStore.class);
    private static final Pattern STATUS_IN_MESSAGE = Pattern.compile("Response code: (\\d{3})");
    private static final Set<String> TRANSIENT_ERROR_CODES = Set.of("RequestTimeout", "SlowDown", "Throttling",
            "ThrottlingException", "RequestLimitExceeded", "InternalError", "ServiceUnavailable");
    private static final Set<String> CREDENTIAL_ERROR_CODES =
            Set.of("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch");

    private final S3Settings settings;
    private final RetryPolicy policy;

    Retries(S3Settings settings, RetryPolicy policy) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.policy = Objects.requireNonNull(policy, "retryPolicy");
    }

    /**
     * Runs an S3 call, retrying transient failures. Our own exceptions (conflicts, not found) are final. With a
     * {@code key}, a missing object becomes an {@link ObjectNotFoundException}.
     */
    <T> T run(String operation, ObjectKey key, S3Call<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (ArtifactStoreException e) {
                throw e;
            } catch (Exception e) {
                if (key != null && e instanceof ErrorResponseException response && isNoSuchKey(response)) {
                    throw new ObjectNotFoundException(key, settings.bucket(), settings.endpoint());
                }
                if (!isTransient(e) || attempt >= policy.maxAttempts()) {
                    throw failure(operation, attempt, e);
                }
                Duration full = policy.backoffAfter(attempt);
                long waitMs = full.toMillis() / 2 + ThreadLocalRandom.current().nextLong(full.toMillis() / 2 + 1);
                LOG.warn("S3 {} at {} failed (attempt {} of {}): {}; retrying in {} ms", operation,
                        settings.endpoint(), attempt, policy.maxAttempts(), describe(e), waitMs);
                try {
                    Thread.sleep(waitMs);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new ArtifactStoreException("S3 " + operation + " at " + settings.endpoint()
                            + " was interrupted while waiting to retry", interrupted);
                }
            }
        }
    }

    private ArtifactStoreException failure(String operation, int attempts, Exception e) {
        String hint = "";
        if (e instanceof ErrorResponseException response
                && CREDENTIAL_ERROR_CODES.contains(response.errorResponse().code())) {
            hint = "; check the S3 access key and secret key";
        } else if (isTransient(e)) {
            hint = "; check that the S3 server is running and reachable";
        }
        return new ArtifactStoreException("S3 " + operation + " at " + settings.endpoint() + " failed after "
                + attempts + (attempts == 1 ? " attempt: " : " attempts: ") + describe(e) + hint, e);
    }

    /**
     * Transient: worth the same request again shortly. Local file problems and every 4xx other than timeouts
     * and throttling are not.
     */
    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ErrorResponseException response) {
                return isTransientStatus(response.response().code())
                        || TRANSIENT_ERROR_CODES.contains(response.errorResponse().code());
            }
            if (t instanceof ServerException server) {
                return isTransientStatus(server.statusCode());
            }
            if (t instanceof InvalidResponseException) {
                // A non-XML error page, typically from a proxy or load balancer; MinIO keeps the status only in
                // the message.
                Matcher status = STATUS_IN_MESSAGE.matcher(String.valueOf(t.getMessage()));
                return status.find() && isTransientStatus(Integer.parseInt(status.group(1)));
            }
            if (t instanceof InsufficientDataException) {
                return true;
            }
            if (t instanceof FileSystemException || t instanceof FileNotFoundException) {
                return false;
            }
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTransientStatus(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    static boolean isNoSuchKey(ErrorResponseException e) {
        return "NoSuchKey".equals(e.errorResponse().code());
    }

    /** A one-line cause: the S3 error code and message, or the innermost I/O failure. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ErrorResponseException response) {
                return response.errorResponse().code() + " (HTTP " + response.response().code() + "): "
                        + response.errorResponse().message();
            }
        }
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                root = t;
            }
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
