package io.collapselab.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.ErrorResponse;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** Which failures are retried, and what the caller is told when retries run out; no S3 server needed. */
class RetriesTest {

    private static final String SECRET = "never-show-this-secret-0123456789abcdef";
    private static final String ENDPOINT = "http://127.0.0.1:9000";
    private static final S3Settings SETTINGS = new S3Settings(ENDPOINT, "AKIDEXAMPLE", SECRET, "collapse", "us-east-1");
    private static final ObjectKey KEY = ObjectKey.corpus("r", 1);

    @Test
    void givesUpOnAnEndpointWhereNothingListensWithAClearError() throws IOException {
        String endpoint = "http://127.0.0.1:" + closedPort();
        S3Settings settings = new S3Settings(endpoint, "AKIDEXAMPLE", SECRET, "collapse", "us-east-1");
        try (ArtifactStore store = new ArtifactStore(settings,
                new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20)))) {
            ArtifactStoreException e = assertThrows(ArtifactStoreException.class,
                    () -> store.get(ObjectKey.checkpoint("r", 1), "0".repeat(64)));
            assertTrue(e.getMessage().startsWith("S3 get runs/r/gen-0001/checkpoint.bin (ensuring bucket collapse"
                    + " exists) at " + endpoint + " failed after 3 attempts: ConnectException"), e.getMessage());
            assertTrue(e.getMessage().endsWith("check that the S3 server is running and reachable"), e.getMessage());
            assertFalse(e.getMessage().contains(SECRET));
            assertFalse(store.isReachable());
        }
    }

    @Test
    void triesATransientFailureAgainUntilTheCallSucceeds() {
        AtomicInteger attempts = new AtomicInteger();

        String result = retries(5).run("get k", KEY, () -> {
            if (attempts.incrementAndGet() < 3) {
                throw errorResponse(503, "SlowDown");
            }
            return "content";
        });

        assertEquals("content", result);
        assertEquals(3, attempts.get());
    }

    @Test
    void givesUpWhenTransientFailuresOutlastThePolicy() {
        AtomicInteger attempts = new AtomicInteger();

        ArtifactStoreException e = assertThrows(ArtifactStoreException.class, () -> retries(3).run("put k", null,
                () -> {
                    attempts.incrementAndGet();
                    throw new IOException("Connection reset");
                }));

        assertEquals(3, attempts.get());
        assertEquals("S3 put k at " + ENDPOINT + " failed after 3 attempts: IOException: Connection reset; check"
                + " that the S3 server is running and reachable", e.getMessage());
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void stopsAtTheFirstFailureThatIsNotTransient() {
        AtomicInteger attempts = new AtomicInteger();

        ArtifactStoreException e = assertThrows(ArtifactStoreException.class, () -> retries(5).run("stat k", KEY,
                () -> {
                    attempts.incrementAndGet();
                    throw errorResponse(403, "SignatureDoesNotMatch");
                }));

        assertEquals(1, attempts.get());
        assertEquals("S3 stat k at " + ENDPOINT + " failed after 1 attempt: SignatureDoesNotMatch (HTTP 403):"
                + " message for SignatureDoesNotMatch; check the S3 access key and secret key", e.getMessage());
    }

    @Test
    void reportsAMissingObjectByItsKeyOnlyWhenTheCallNamesOne() {
        ObjectNotFoundException missing = assertThrows(ObjectNotFoundException.class,
                () -> retries(5).run("get k", KEY, () -> {
                    throw errorResponse(404, "NoSuchKey");
                }));
        assertEquals(KEY, missing.key());
        assertEquals("object s3://collapse/" + KEY.key() + " does not exist at " + ENDPOINT, missing.getMessage());

        ArtifactStoreException e = assertThrows(ArtifactStoreException.class, () -> retries(5).run("list runs/r/",
                null, () -> {
                    throw errorResponse(404, "NoSuchKey");
                }));
        assertFalse(e instanceof ObjectNotFoundException, e.toString());
        assertTrue(e.getMessage().startsWith("S3 list runs/r/ at " + ENDPOINT + " failed after 1 attempt: NoSuchKey"),
                e.getMessage());
    }

    @Test
    void passesTheStoresOwnExceptionsThroughWithoutRetrying() {
        AtomicInteger attempts = new AtomicInteger();
        ObjectConflictException conflict = new ObjectConflictException(KEY, "collapse", "a".repeat(64), "b".repeat(64));

        ObjectConflictException e = assertThrows(ObjectConflictException.class, () -> retries(5).run("put k", KEY,
                () -> {
                    attempts.incrementAndGet();
                    throw conflict;
                }));

        assertSame(conflict, e);
        assertEquals(1, attempts.get());
    }

    @Test
    void anInterruptWhileWaitingToRetryEndsTheCallAndStaysSet() {
        Retries patient = new Retries(SETTINGS, new RetryPolicy(5, Duration.ofMinutes(1), Duration.ofMinutes(1)));
        Thread.currentThread().interrupt();
        try {
            ArtifactStoreException e = assertThrows(ArtifactStoreException.class, () -> patient.run("get k", KEY,
                    () -> {
                        throw errorResponse(500, "InternalError");
                    }));
            assertEquals("S3 get k at " + ENDPOINT + " was interrupted while waiting to retry", e.getMessage());
            assertInstanceOf(InterruptedException.class, e.getCause());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void retriesConnectionFailuresTimeoutsServerErrorsAndThrottling() {
        assertTrue(Retries.isTransient(new IllegalStateException(new ConnectException("Connection refused"))));
        assertTrue(Retries.isTransient(new MinioException(new SocketTimeoutException("timeout"))));
        assertTrue(Retries.isTransient(errorResponse(500, "InternalError")));
        assertTrue(Retries.isTransient(errorResponse(503, "SlowDown")));
        assertTrue(Retries.isTransient(errorResponse(400, "RequestTimeout")));
        assertTrue(Retries.isTransient(
                new InvalidResponseException(502, "text/html", "<html>Bad Gateway</html>", "")));
    }

    @Test
    void doesNotRetryClientErrorsOrLocalFileProblems() {
        assertFalse(Retries.isTransient(errorResponse(404, "NoSuchKey")));
        assertFalse(Retries.isTransient(errorResponse(403, "SignatureDoesNotMatch")));
        assertFalse(Retries.isTransient(errorResponse(412, "PreconditionFailed")));
        assertFalse(Retries.isTransient(
                new InvalidResponseException(403, "text/html", "<html>Forbidden</html>", "")));
        assertFalse(Retries.isTransient(new MinioException(new NoSuchFileException("checkpoint.spool"))));
        assertFalse(Retries.isTransient(new IllegalArgumentException("bug")));
    }

    private static Retries retries(int maxAttempts) {
        return new Retries(SETTINGS, new RetryPolicy(maxAttempts, Duration.ZERO, Duration.ZERO));
    }

    private static ErrorResponseException errorResponse(int status, String code) {
        Response response = new Response.Builder()
                .request(new Request.Builder().url("http://127.0.0.1:9000/collapse/key").build())
                .protocol(Protocol.HTTP_1_1)
                .code(status)
                .message(code)
                .build();
        return new ErrorResponseException(
                new ErrorResponse(code, "message for " + code, "collapse", "key", "/collapse/key", "req", "host"),
                response, "");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
