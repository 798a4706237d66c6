package io.collapselab.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process harness on a stand-in process ({@link ReadinessFixture}), so it is tested even without services. */
class ServiceProcessIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path logs;

    @Test
    void waitsForReadinessAndStopsGracefullyWithSigterm() throws IOException {
        ServiceProcess process = start("graceful", "1500");

        process.awaitReady(TIMEOUT);
        int exit = process.stop(Duration.ofSeconds(30));

        assertEquals(143, exit, "a JVM ends with 128 + 15 on SIGTERM");
        assertTrue(log(process).contains("fixture shutdown hook ran"), log(process));
    }

    @Test
    void killsWithSigkillLeavingNoChanceToCleanUp() throws IOException {
        ServiceProcess process = start("killed", "0");
        process.awaitReady(TIMEOUT);

        int exit = process.kill();

        assertEquals(137, exit, "128 + 9");
        assertFalse(process.isAlive());
        assertTrue(log(process).contains("fixture starting"), log(process));
        assertFalse(log(process).contains("shutdown hook"), log(process));
    }

    @Test
    void aProcessThatExitsBeforeItIsReadyIsReportedWithItsLog() {
        ServiceProcess process = start("failing", "0", "exit");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> process.awaitReady(TIMEOUT));

        assertTrue(e.getMessage().startsWith("failing exited with code 3 before it was ready"), e.getMessage());
        assertTrue(e.getMessage().contains("fixture failing on purpose"), e.getMessage());
    }

    @Test
    void aProcessThatIsNeverReadyIsKilledAfterTheTimeout() {
        ServiceProcess process = start("slow", "600000");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> process.awaitReady(Duration.ofSeconds(5)));

        assertTrue(e.getMessage().startsWith("slow was not ready at http://127.0.0.1:"), e.getMessage());
        assertTrue(e.getMessage().contains("within 5 s"), e.getMessage());
        assertFalse(process.isAlive());
    }

    private ServiceProcess start(String name, String... args) {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classesDir().toString(), ReadinessFixture.class.getName()));
        command.addAll(List.of(args));
        return ServiceProcess.start(new ServiceProcess.Spec(name, command,
                Map.of("QUARKUS_HTTP_PORT", Integer.toString(port)), port, logs.resolve(name + ".log")));
    }

    private static String log(ServiceProcess process) throws IOException {
        return Files.readString(process.logFile(), StandardCharsets.UTF_8);
    }

    private static Path classesDir() {
        try {
            return Path.of(ReadinessFixture.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
