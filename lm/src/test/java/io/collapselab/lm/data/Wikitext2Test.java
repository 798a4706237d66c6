package io.collapselab.lm.data;

import io.collapselab.lm.RealText;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Wikitext2Test {

    private static final String TEST_TOKENS = " \n = Robert <unk> = \n \n Robert is an actor . \n";
    private static final String VALID_TOKENS = " \n = Homarus gammarus = \n \n Homarus is a lobster . \n";

    @TempDir
    Path temp;

    private Path zipOf(Map<String, String> entries) throws IOException {
        Path zip = temp.resolve("wikitext-2-v1.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
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
    void locatesTheRealTexts() throws IOException {
        Path dataDir = RealText.dataDir();
        Wikitext2 wikitext = Wikitext2.locate(dataDir);
        assertEquals(dataDir.resolve("wikitext-2").resolve("test.txt"), wikitext.trainText());
        assertEquals(dataDir.resolve("wikitext-2").resolve("valid.txt"), wikitext.heldoutText());
        assertTrue(Files.size(wikitext.trainText()) > 1_000_000, "test split is about 1.2 MB");
    }

    @Test
    void locateNamesTheMissingFileAndHowToProvideIt() throws IOException {
        Files.createDirectories(temp.resolve("data").resolve("wikitext-2"));
        Files.writeString(temp.resolve("data").resolve("wikitext-2").resolve("test.txt"), TEST_TOKENS);

        IOException e = assertThrows(IOException.class, () -> Wikitext2.locate(temp.resolve("data")));
        assertTrue(e.getMessage().startsWith("WikiText-2 not found: " + temp.resolve("data").resolve("wikitext-2")
                + " lacks valid.txt;"), e.getMessage());
        assertMentionsRemedy(e);
    }

    @Test
    void downloadExtractsTheTestAndValidSplitsFromTheArchive() throws IOException {
        Path zip = zipOf(Map.of(
                "wikitext-2/wiki.train.tokens", "not needed",
                "wikitext-2/wiki.test.tokens", TEST_TOKENS,
                "wikitext-2/wiki.valid.tokens", VALID_TOKENS));
        Path dataDir = temp.resolve("data");

        Wikitext2 wikitext = Wikitext2.download(dataDir, zip.toUri());

        assertEquals(TEST_TOKENS, Files.readString(wikitext.trainText()));
        assertEquals(VALID_TOKENS, Files.readString(wikitext.heldoutText()));
        assertEquals(List.of("test.txt", "valid.txt"), filesIn(dataDir.resolve("wikitext-2")),
                "only the two texts, no temporary files");
        // Now present, so nothing is downloaded: the default archive is never contacted.
        assertEquals(wikitext.trainText(), Wikitext2.locateOrDownload(dataDir).trainText());
    }

    @Test
    void archiveWithoutTheValidSplitLeavesNothingBehind() throws IOException {
        Path zip = zipOf(Map.of("wikitext-2/wiki.test.tokens", TEST_TOKENS));
        Path dataDir = temp.resolve("data");

        IOException e = assertThrows(IOException.class, () -> Wikitext2.download(dataDir, zip.toUri()));
        assertTrue(e.getMessage().contains("it has no entry wikitext-2/wiki.valid.tokens"), e.getMessage());
        assertMentionsRemedy(e);
        assertEquals(List.of(), filesIn(dataDir.resolve("wikitext-2")));
    }

    @Test
    void unreachableServerGivesTheUriAndWhatToDo() throws IOException {
        URI unreachable = URI.create("http://127.0.0.1:1/none.zip");
        Path dataDir = temp.resolve("data");

        IOException e = assertThrows(IOException.class, () -> Wikitext2.download(dataDir, unreachable));
        assertTrue(e.getMessage().startsWith(
                "could not download WikiText-2 from http://127.0.0.1:1/none.zip (could not connect to 127.0.0.1:1)"),
                e.getMessage());
        assertMentionsRemedy(e);
        assertEquals(List.of(), filesIn(dataDir.resolve("wikitext-2")));
    }

    @Test
    void missingLocalArchiveGivesTheUriAndWhatToDo() {
        URI missing = temp.resolve("absent.zip").toUri();
        IOException e = assertThrows(IOException.class, () -> Wikitext2.download(temp.resolve("data"), missing));
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
            IOException e = assertThrows(IOException.class, () -> Wikitext2.download(temp.resolve("data"), uri));
            assertTrue(e.getMessage().contains("(the server answered HTTP 404)"), e.getMessage());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void downloadOverHttpExtractsTheSplits() throws IOException {
        byte[] zip = Files.readAllBytes(zipOf(Map.of(
                "wikitext-2/wiki.test.tokens", TEST_TOKENS,
                "wikitext-2/wiki.valid.tokens", VALID_TOKENS)));
        HttpServer server = serve(exchange -> {
            exchange.sendResponseHeaders(200, zip.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(zip);
            }
        });
        try {
            Wikitext2 wikitext = Wikitext2.download(temp.resolve("data"), archiveOn(server));
            assertEquals(VALID_TOKENS, Files.readString(wikitext.heldoutText()));
        } finally {
            server.stop(0);
        }
    }
}
