package io.collapselab.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writes to an S3 server that does not honour {@code If-None-Match}: a minimal fake that keeps objects in memory
 * and either ignores the header or answers it with 501 Not Implemented, as older servers do. The store must find
 * that out once and then check each key before writing it, so that objects stay immutable there too.
 */
class ConditionalWriteFallbackTest {

    private static final String BUCKET = "collapse";

    private final Map<String, String> digests = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private boolean rejectsConditionalWrites;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @ParameterizedTest(name = "server rejects If-None-Match with 501: {0}")
    @ValueSource(booleans = {false, true})
    void checksEachKeyBeforeWritingWhereTheServerIgnoresConditionalWrites(boolean rejects) throws Exception {
        rejectsConditionalWrites = rejects;
        S3Settings settings = new S3Settings("http://127.0.0.1:" + server.getAddress().getPort(), "AKIDEXAMPLE",
                "secret-0123456789abcdef0123456789abcdef", BUCKET, "us-east-1");
        ObjectKey key = ObjectKey.corpus("run-1", 0);
        byte[] corpus = "the the the".getBytes(StandardCharsets.UTF_8);
        String probe = "PUT /" + BUCKET + "/" + ConditionalWrites.PROBE_KEY + " conditional";
        String head = "HEAD /" + BUCKET + "/" + key.key();
        String write = "PUT /" + BUCKET + "/" + key.key() + " unconditional";

        try (ArtifactStore store = new ArtifactStore(settings)) {
            StoredObject stored = store.put(key, corpus);
            assertEquals(sha256(corpus), stored.sha256());
            assertEquals(rejects ? List.of(probe, head, write) : List.of(probe, probe, head, write),
                    requests.stream().filter(r -> !r.equals("HEAD /" + BUCKET)).toList());

            requests.clear();
            assertEquals(stored, store.put(key, corpus.clone()), "equal content again is a no-op");
            assertThrows(ObjectConflictException.class,
                    () -> store.put(key, "other".getBytes(StandardCharsets.UTF_8)));
            assertEquals(List.of(head, head), requests, "the server is probed once, and nothing is overwritten");
            assertEquals(sha256(corpus), digests.get("/" + BUCKET + "/" + key.key()));
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean conditional = exchange.getRequestHeaders().containsKey("If-None-Match");
            requests.add(method + " " + path + (method.equals("PUT") ? conditional ? " conditional" : " unconditional" : ""));
            if (path.equals("/" + BUCKET)) {
                exchange.sendResponseHeaders(200, -1);
            } else if (method.equals("PUT") && conditional && rejectsConditionalWrites) {
                byte[] error = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NotImplemented</Code>"
                        + "<Message>A header you provided implies functionality that is not implemented</Message>"
                        + "</Error>").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/xml");
                exchange.sendResponseHeaders(501, error.length);
                exchange.getResponseBody().write(error);
            } else if (method.equals("PUT")) {
                digests.put(path, exchange.getRequestHeaders().getFirst("x-amz-meta-sha256") == null
                        ? sha256(body) : exchange.getRequestHeaders().getFirst("x-amz-meta-sha256"));
                exchange.getResponseHeaders().add("ETag", "\"0\"");
                exchange.sendResponseHeaders(200, -1);
            } else if (method.equals("HEAD") && digests.containsKey(path)) {
                exchange.getResponseHeaders().add("x-amz-meta-sha256", digests.get(path));
                exchange.getResponseHeaders().add("ETag", "\"0\"");
                exchange.getResponseHeaders().add("Last-Modified", "Thu, 26 Nov 2026 18:00:00 GMT");
                exchange.getResponseHeaders().add("Content-Length", "11");
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
