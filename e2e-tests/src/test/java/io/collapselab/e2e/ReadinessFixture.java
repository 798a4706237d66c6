package io.collapselab.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in process for testing {@link ServiceProcess} itself, without the real services: it answers
 * {@code /q/health/ready} on {@code $QUARKUS_HTTP_PORT} with 503 until {@code args[0]} milliseconds after start,
 * then 200, and says on stdout when it starts and when its shutdown hook runs. With {@code args[1]} =
 * {@code exit} it exits with code 3 instead of serving.
 */
public final class ReadinessFixture {

    private ReadinessFixture() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        long readyAt = System.currentTimeMillis() + Long.parseLong(args[0]);
        int port = Integer.parseInt(System.getenv("QUARKUS_HTTP_PORT"));
        System.out.println("fixture starting on port " + port);
        if (args.length > 1 && args[1].equals("exit")) {
            System.out.println("fixture failing on purpose");
            System.exit(3);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("fixture shutdown hook ran")));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/q/health/ready", exchange -> {
            boolean ready = System.currentTimeMillis() >= readyAt;
            byte[] body = (ready ? "UP" : "DOWN").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ready ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        Thread.sleep(Long.MAX_VALUE);
    }
}
