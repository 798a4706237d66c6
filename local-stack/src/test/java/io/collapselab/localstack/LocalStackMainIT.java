package io.collapselab.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack as the CLI will run it: a separate JVM that prints its addresses, stays up, and shuts down cleanly on
 * SIGTERM, with the broker's and S3 server's INFO logging silenced even though INFO is the default level.
 * Logs the cold start time and resident memory of that JVM for the record; timings are not asserted.
 */
class LocalStackMainIT {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStackMainIT.class);
    private static final Pattern THIRD_PARTY_INFO =
            Pattern.compile("\\] INFO (kafka|org\\.apache\\.kafka|state\\.change\\.logger|org\\.gaul|org\\.eclipse)");

    @TempDir
    Path dataDir;

    @Test
    void printsAddressesRunsQuietlyAndStopsCleanlyOnSigterm() throws Exception {
        Path stderr = dataDir.resolve("stderr.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long launched = System.nanoTime();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", LocalStackMain.class.getName(),
                dataDir.resolve("stack").toString(), "it.main:2")
                .redirectError(stderr.toFile())
                .start();
        try {
            Map<String, String> printed = readUntilReady(process).get(120, TimeUnit.SECONDS);
            long startupMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched);
            LOG.info("LocalStackMain cold start: {} ms from launch to ready; {}", startupMs, memoryOf(process));

            assertEquals(List.of("bootstrap.servers", "s3.endpoint", "s3.bucket", "s3.region", "s3.access-key",
                    "s3.credentials-file", "kafka.credentials-file", "ready"), List.copyOf(printed.keySet()));
            assertTrue(printed.get("s3.endpoint").startsWith("http://127.0.0.1:"), printed.toString());
            assertTrue(!printed.containsValue(secretIn(Path.of(printed.get("s3.credentials-file")))),
                    "the secret key must not be printed");
            String adminPassword = valueIn(Path.of(printed.get("kafka.credentials-file")), "admin.password");
            assertTrue(printed.values().stream().noneMatch(value -> value.contains(adminPassword)),
                    "no Kafka password may be printed");
            try (Admin admin = Admin.create(StackConnection.of(dataDir.resolve("stack"), printed.get("s3.bucket"))
                    .orElseThrow().kafkaClientConfig(LocalStack.ADMIN_USER))) {
                assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("it.main"));
            }
        } finally {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("LocalStackMain did not exit within 60 s of SIGTERM");
            }
        }
        assertEquals(143, process.exitValue(), "exit status of a JVM ended by SIGTERM");

        List<String> log = Files.readAllLines(stderr);
        assertTrue(log.stream().anyMatch(line -> line.contains("INFO io.collapselab.localstack.LocalStack"
                + " - Local stack started")), "INFO must be enabled for the silence below to mean anything");
        assertTrue(log.stream().anyMatch(line -> line.contains("stopped in")), "the shutdown hook closes the stack");
        List<String> chatter = log.stream().filter(line -> THIRD_PARTY_INFO.matcher(line).find()).toList();
        assertEquals(List.of(), chatter, "broker and S3 server INFO lines");
    }

    private static CompletableFuture<Map<String, String>> readUntilReady(Process process) {
        return CompletableFuture.supplyAsync(() -> {
            Map<String, String> printed = new LinkedHashMap<>();
            try {
                BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = out.readLine()) != null) {
                    int eq = line.indexOf('=');
                    printed.put(line.substring(0, eq), line.substring(eq + 1));
                    if (line.equals("ready=true")) {
                        return printed;
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("reading LocalStackMain's output", e);
            }
            throw new IllegalStateException("LocalStackMain exited with " + printed + " printed, before ready");
        });
    }

    private static String secretIn(Path credentialsFile) throws IOException {
        return valueIn(credentialsFile, "s3.secret-key");
    }

    private static String valueIn(Path propertiesFile, String key) throws IOException {
        return Files.readAllLines(propertiesFile).stream()
                .filter(line -> line.startsWith(key + "="))
                .map(line -> line.substring(key.length() + 1))
                .findFirst().orElseThrow();
    }

    /** VmRSS (now) and VmHWM (peak) from /proc on Linux; "unknown" elsewhere. */
    private static String memoryOf(Process process) throws IOException {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        if (!Files.isReadable(status)) {
            return "memory unknown on this platform";
        }
        return String.join(", ", Files.readAllLines(status).stream()
                .filter(line -> line.startsWith("VmRSS") || line.startsWith("VmHWM"))
                .map(line -> line.replaceAll("\\s+", " "))
                .toList());
    }
}
