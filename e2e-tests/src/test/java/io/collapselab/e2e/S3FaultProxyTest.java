package io.collapselab.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy relays HTTP unchanged until told otherwise, and then fails requests as a troubled S3 would. */
class S3FaultProxyTest {

    private final List<String> served = new ArrayList<>();
    private HttpServer upstream;
    private S3FaultProxy proxy;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            synchronized (served) {
                served.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body.length);
            }
            byte[] answer = ("echo " + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            boolean chunked = exchange.getRequestURI().getPath().startsWith("/chunked");
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Content-Length", "123");
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(200, chunked ? 0 : answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
            exchange.close();
        });
        upstream.start();
        proxy = S3FaultProxy.start("http://127.0.0.1:" + upstream.getAddress().getPort(), 1);
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.stop(0);
    }

    @Test
    void relaysRequestsAndAnswersUnchangedOverOneConnection() throws Exception {
        assertEquals("echo abc", send("PUT", "/bucket/key", "abc").body());
        assertEquals("echo ", send("GET", "/chunked/key", "").body());
        HttpResponse<String> head = send("HEAD", "/bucket/key", "");
        assertEquals(200, head.statusCode());
        assertEquals("123", head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("echo xyz", send("POST", "/bucket/key?uploads", "xyz").body());

        assertEquals(List.of("PUT /bucket/key 3", "GET /chunked/key 0", "HEAD /bucket/key 0",
                "POST /bucket/key?uploads 3"), served);
        assertEquals(4, proxy.relayedRequests());
    }

    @Test
    void notAnsweringRefusesConnectionsUntilToldToAnswerAgainOnTheSamePort() throws Exception {
        assertEquals(200, send("GET", "/bucket/key", "").statusCode());
        proxy.stopAnswering();
        assertThrows(IOException.class, () -> send("GET", "/bucket/key", ""));

        proxy.answerAgain();
        assertEquals(200, send("GET", "/bucket/key", "").statusCode());
    }

    @Test
    void aFullDiskRefusesWritesAsS3ProxyDoesAndLetsReadsThrough() throws Exception {
        proxy.fillDisk(true);

        HttpResponse<String> put = send("PUT", "/bucket/key", "abc");
        assertEquals(500, put.statusCode());
        assertTrue(put.body().contains("<Code>InternalError</Code><Message>An internal error occurred. Try again."
                + "</Message>"), put.body());
        assertEquals(200, send("GET", "/bucket/key", "").statusCode());
        assertEquals(List.of("GET /bucket/key 0"), served, "the refused write never reached the server");
        assertEquals(1, proxy.refusedWrites());
    }

    @Test
    void aShareOfRequestsFailsHalfBeforeAndHalfAfterTheServer() throws Exception {
        proxy.failShare(0.5);
        int requests = 100;
        int failed = 0;
        for (int i = 0; i < requests; i++) {
            int status = send("GET", "/bucket/k" + i, "").statusCode();
            assertTrue(status == 200 || status == 503 || status == 500, "status " + status);
            failed += status == 200 ? 0 : 1;
        }

        assertEquals(failed, proxy.failedRequests());
        assertTrue(failed > 25 && failed < 75, failed + " of " + requests + " failed");
        assertTrue(served.size() > requests - failed, "the 500s were carried out by the server first");
        assertTrue(served.size() < requests, "the 503s never reached it");
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher content = body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest request = HttpRequest.newBuilder(URI.create(proxy.endpoint() + path)).method(method, content)
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
