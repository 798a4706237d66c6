package io.collapselab.lm.data;

import io.collapselab.lm.data.Wikitext2.DownloadProgress;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Wikitext2Test {

    private static final String TRAIN_TOKENS = " \n = Valkyria Chronicles III = \n";

    /** The entries of the real v1 archive: the shipped test and valid splits, and a stand-in train split. */
    private static Map<String, byte[]> release() {
        return Map.of(
                "wikitext-2/wiki.train.tokens", TRAIN_TOKENS.getBytes(StandardCharsets.UTF_8),
                "wikitext-2/wiki.test.tokens", Wikitext2.shippedTrainText(),
                "wikitext-2/wiki.valid.tokens", Wikitext2.shippedHeldoutText());
    }

    @TempDir
    Path temp;

    private Path zipOf(Map<String, byte[]> entries) throws IOException {
        Path zip = temp.resolve("wikitext-2-v1.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.setLevel(Deflater.NO_COMPRESSION); // keeps the zip over 1 MiB, so progress is reported more than once
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return zip;
    }

    /** Serves every request on a loopback port with {@code handler} until the returned server is stopped. */
    private static HttpServer serve(HttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", handler);
        server.start();
        return server;
    }

    private static URI archiveOn(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/wikitext-2-v1.zip");
    }

    private static List<String> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertMentionsRemedy(IOException e) {
        assertTrue(e.getMessage().contains("--data-dir") && e.getMessage().contains("COLLAPSE_DATA_DIR")
                && e.getMessage().contains("wikitext-2/wiki.valid.tokens"), e.getMessage());
    }

    @Test
    void theShippedTextsAreTheReleasedSplits() {
        assertEquals(1_256_452, Wikitext2.shippedTrainText().length, "test split");
        assertEquals(1_121_684, Wikitext2.shippedHeldoutText().length, "valid split");
        assertTrue(new String(Wikitext2.shippedHeldoutText(), 0, 40, StandardCharsets.UTF_8)
                .contains(" = Homarus gammarus = "), "the valid split opens with its first article");
        assertTrue(Wikitext2.shippedNotice().contains("CC BY-SA 3.0"), Wikitext2.shippedNotice());
    }

    @Test
    void locatesTheTextsInADataDirectory() throws IOException {
        Path directory = Files.createDirectories(temp.resolve("data").resolve("wikitext-2"));
        Files.write(directory.resolve("test.txt"), Wikitext2.shippedTrainText());
        Files.write(directory.resolve("valid.txt"), Wikitext2.shippedHeldoutText());

        Wikitext2 wikitext = Wikitext2.locate(temp.resolve("data"));
        assertEquals(directory.resolve("test.txt"), wikitext.trainText());
        assertEquals(directory.resolve("valid.txt"), wikitext.heldoutText());
    }

    @Test
    void locateNamesTheMissingFileAndHowToProvideIt() throws IOException {
        Files.createDirectories(temp.resolve("data").resolve("wikitext-2"));
        Files.writeString(temp.resolve("data").resolve("wikitext-2").resolve("test.txt"), TRAIN_TOKENS);

        IOException e = assertThrows(IOException.class, () -> Wikitext2.locate(temp.resolve("data")));
        assertTrue(e.getMessage().startsWith("WikiText-2 not found: " + temp.resolve("data").resolve("wikitext-2")
                + " lacks valid.txt;"), e.getMessage());
        assertMentionsRemedy(e);
    }

    @Test
    void downloadExtractsAllThreeSplitsAndReportsProgress() throws IOException {
        Path zip = zipOf(release());
        Path dataDir = temp.resolve("data");
        List<long[]> reports = new ArrayList<>();

        Wikitext2 wikitext = Wikitext2.download(dataDir, zip.toUri(),
                (bytes, total) -> reports.add(new long[] {bytes, total}));

        assertArrayEquals(Wikitext2.shippedTrainText(), Files.readAllBytes(wikitext.trainText()));
        assertArrayEquals(Wikitext2.shippedHeldoutText(), Files.readAllBytes(wikitext.heldoutText()));
        assertEquals(TRAIN_TOKENS, Files.readString(wikitext.trainSplitText()));
        assertEquals(List.of("test.txt", "train.txt", "valid.txt"), filesIn(dataDir.resolve("wikitext-2")),
                "only the three texts, no temporary files");
        long size = Files.size(zip);
        assertArrayEquals(new long[] {size, size}, reports.get(reports.size() - 1), "the last report is the whole");
        assertTrue(reports.size() >= 2, "a report per mebibyte of a zip over 1 MiB: " + reports.size());
    }

    @Test
    void aSplitThatDiffersFromTheReleaseIsRejectedAndLeavesNothingBehind() throws IOException {
        Map<String, byte[]> entries = new HashMap<>(release());
        entries.put("wikitext-2/wiki.valid.tokens", " \n = Homarus = \n".getBytes(StandardCharsets.UTF_8));
        Path zip = zipOf(entries);
        Path dataDir = temp.resolve("data");

        IOException e = assertThrows(IOException.class,
                () -> Wikitext2.download(dataDir, zip.toUri(), DownloadProgress.NONE));
        assertTrue(e.getMessage().contains("the archive's wikitext-2/wiki.valid.tokens has SHA-256 "), e.getMessage());
        assertEquals(List.of(), filesIn(dataDir.resolve("wikitext-2")));
    }

    @Test
    void archiveWithoutTheTrainSplitLeavesNothingBehind() throws IOException {
        Map<String, byte[]> entries = new HashMap<>(release());
        entries.remove("wikitext-2/wiki.train.tokens");
        Path zip = zipOf(entries);
        Path dataDir = temp.resolve("data");

        IOException e = assertThrows(IOException.class,
                () -> Wikitext2.download(dataDir, zip.toUri(), DownloadProgress.NONE));
        assertTrue(e.getMessage().contains("it has no entry wikitext-2/wiki.train.tokens"), e.getMessage());
        assertMentionsRemedy(e);
        assertEquals(List.of(), filesIn(dataDir.resolve("wikitext-2")));
    }

    @Test
    void unreachableServerGivesTheUriAndWhatToDo() throws IOException {
        URI unreachable = URI.create("http://127.0.0.1:1/none.zip");
        Path dataDir = temp.resolve("data");

        IOException e = assertThrows(IOException.class,
                () -> Wikitext2.download(dataDir, unreachable, DownloadProgress.NONE));
        assertTrue(e.getMessage().startsWith(
                "could not download WikiText-2 from http://127.0.0.1:1/none.zip (could not connect to 127.0.0.1:1)"),
                e.getMessage());
        assertMentionsRemedy(e);
        assertEquals(List.of(), filesIn(dataDir.resolve("wikitext-2")));
    }

    @Test
    void missingLocalArchiveGivesTheUriAndWhatToDo() {
        URI missing = temp.resolve("absent.zip").toUri();
        IOException e = assertThrows(IOException.class,
                () -> Wikitext2.download(temp.resolve("data"), missing, DownloadProgress.NONE));
        assertTrue(e.getMessage().startsWith("could not download WikiText-2 from " + missing + " (FileNotFound"),
                e.getMessage());
    }

    @Test
    void serverErrorStatusIsReported() throws IOException {
        HttpServer server = serve(exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        try {
            URI uri = archiveOn(server);
            IOException e = assertThrows(IOException.class,
                    () -> Wikitext2.download(temp.resolve("data"), uri, DownloadProgress.NONE));
            assertTrue(e.getMessage().contains("(the server answered HTTP 404)"), e.getMessage());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void downloadOverHttpExtractsTheSplitsAndKnowsTheSize() throws IOException {
        byte[] zip = Files.readAllBytes(zipOf(release()));
        HttpServer server = serve(exchange -> {
            exchange.sendResponseHeaders(200, zip.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(zip);
            }
        });
        List<Long> totals = new ArrayList<>();
        try {
            Wikitext2 wikitext = Wikitext2.download(temp.resolve("data"), archiveOn(server),
                    (bytes, total) -> totals.add(total));
            assertArrayEquals(Wikitext2.shippedHeldoutText(), Files.readAllBytes(wikitext.heldoutText()));
        } finally {
            server.stop(0);
        }
        assertEquals(List.of((long) zip.length), totals.stream().distinct().toList(), "from Content-Length");
    }
}
