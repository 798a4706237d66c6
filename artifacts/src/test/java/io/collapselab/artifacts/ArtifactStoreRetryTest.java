package io.collapselab.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.ErrorResponse;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** Which failures are retried, and what the caller is told when retries run out; no S3 server needed. */
class ArtifactStoreRetryTest {

    private static final String SECRET = "never-show-this-secret-0123456789abcdef";

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
    void retriesConnectionFailuresTimeoutsServerErrorsAndThrottling() {
        assertTrue(ArtifactStore.isTransient(new IllegalStateException(new ConnectException("Connection refused"))));
        assertTrue(ArtifactStore.isTransient(new MinioException(new SocketTimeoutException("timeout"))));
        assertTrue(ArtifactStore.isTransient(errorResponse(500, "InternalError")));
        assertTrue(ArtifactStore.isTransient(errorResponse(503, "SlowDown")));
        assertTrue(ArtifactStore.isTransient(errorResponse(400, "RequestTimeout")));
        assertTrue(ArtifactStore.isTransient(
                new InvalidResponseException(502, "text/html", "<html>Bad Gateway</html>", "")));
    }

    @Test
    void doesNotRetryClientErrorsOrLocalFileProblems() {
        assertFalse(ArtifactStore.isTransient(errorResponse(404, "NoSuchKey")));
        assertFalse(ArtifactStore.isTransient(errorResponse(403, "SignatureDoesNotMatch")));
        assertFalse(ArtifactStore.isTransient(errorResponse(412, "PreconditionFailed")));
        assertFalse(ArtifactStore.isTransient(
                new InvalidResponseException(403, "text/html", "<html>Forbidden</html>", "")));
        assertFalse(ArtifactStore.isTransient(new MinioException(new NoSuchFileException("checkpoint.spool"))));
        assertFalse(ArtifactStore.isTransient(new IllegalArgumentException("bug")));
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
