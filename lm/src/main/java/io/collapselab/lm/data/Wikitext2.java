package io.collapselab.lm.data;

import io.collapselab.lm.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLConnection;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The WikiText-2 texts the demo runs on: the test split is the training text (its 1.2 MB keep pre-training short)
 * and the valid split the held-out text. Both ship inside this module (CC BY-SA 3.0, see the {@code NOTICE} beside
 * them) and are checked against their SHA-256 digests when read, so a run needs neither a network nor a data
 * directory. A data directory holds them as {@code <dataDir>/wikitext-2/test.txt} and {@code valid.txt}; a download
 * saves the tokenised v1 release's {@code wiki.test.tokens}, {@code wiki.valid.tokens} and
 * {@code wiki.train.tokens} unchanged, the last as {@code train.txt}.
 */
public final class Wikitext2 {

    public static final URI DEFAULT_ARCHIVE = URI.create("https://wikitext.smerity.com/wikitext-2-v1.zip");
    public static final String DIRECTORY = "wikitext-2";
    public static final String TRAIN_FILE = "test.txt";
    public static final String HELDOUT_FILE = "valid.txt";
    /** The release's own training split (10.8 MB); only a download brings it. */
    public static final String TRAIN_SPLIT_FILE = "train.txt";
    /** How a run names the shipped copy of a text, e.g. {@code "shipped WikiText-2 test.txt"}. */
    public static final String SHIPPED = "shipped WikiText-2 ";

    /** SHA-256 of the test and valid splits of the v1 release, the bytes every run's real texts are made of. */
    private static final Map<String, String> DIGESTS = Map.of(
            TRAIN_FILE, "dd265c9ce12629a1eddcfd8946e087b62bb59eed07da62e775a7f6549c24cddb",
            HELDOUT_FILE, "e24057b96f875e4ac4a5f347fa6c64438ef8322b6e41abb4d187ef0d4e150505");
    /** The archive's entries a download keeps, and the names they are saved under. */
    private static final List<Split> SPLITS = List.of(
            new Split("wikitext-2/wiki.test.tokens", TRAIN_FILE),
            new Split("wikitext-2/wiki.valid.tokens", HELDOUT_FILE),
            new Split("wikitext-2/wiki.train.tokens", TRAIN_SPLIT_FILE));
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** How long the server may take to start answering; the body itself may take as long as it needs. */
    private static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(2);

    /** An archive entry and the file name it is saved under. */
    private record Split(String entry, String file) {
    }

    /** Told how far a download has come; {@code totalBytes} is -1 when the server does not say. */
    @FunctionalInterface
    public interface DownloadProgress {
        DownloadProgress NONE = (bytes, totalBytes) -> { };

        void downloaded(long bytes, long totalBytes);
    }

    private final Path directory;

    private Wikitext2(Path directory) {
        this.directory = directory;
    }

    public Path trainText() {
        return directory.resolve(TRAIN_FILE);
    }

    public Path heldoutText() {
        return directory.resolve(HELDOUT_FILE);
    }

    /** The release's training split; present after a download, not necessarily in a directory found by locate. */
    public Path trainSplitText() {
        return directory.resolve(TRAIN_SPLIT_FILE);
    }

    /** The shipped test split, the training text. */
    public static byte[] shippedTrainText() {
        return Shipped.TRAIN.clone();
    }

    /** The shipped valid split, the held-out text. */
    public static byte[] shippedHeldoutText() {
        return Shipped.HELDOUT.clone();
    }

    /** The shipped texts' licence and provenance. */
    public static String shippedNotice() {
        return new String(Shipped.read("NOTICE"), StandardCharsets.UTF_8);
    }

    /** Read once per JVM: every run of a sweep and every test uses the same bytes. */
    private static final class Shipped {
        static final byte[] TRAIN = verified(TRAIN_FILE);
        static final byte[] HELDOUT = verified(HELDOUT_FILE);

        private static byte[] verified(String file) {
            byte[] bytes = read(file);
            String digest = Sha256.hex(bytes);
            if (!digest.equals(DIGESTS.get(file))) {
                throw new IllegalStateException("the shipped WikiText-2 " + file + " is damaged (SHA-256 " + digest
                        + ", expected " + DIGESTS.get(file) + "); rebuild collapse-lab from a clean checkout");
            }
            return bytes;
        }

        static byte[] read(String file) {
            try (InputStream in = Wikitext2.class.getResourceAsStream(DIRECTORY + "/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("the shipped WikiText-2 " + file + " is missing from the "
                            + "class path; rebuild collapse-lab from a clean checkout");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException("could not read the shipped WikiText-2 " + file + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /**
     * The texts already in {@code dataDir}.
     *
     * @throws IOException naming the missing files and how to provide them
     */
    public static Wikitext2 locate(Path dataDir) throws IOException {
        Path directory = dataDir.resolve(DIRECTORY);
        List<String> missing = SPLITS.stream()
                .map(Split::file)
                .filter(DIGESTS::containsKey)
                .filter(file -> !Files.isRegularFile(directory.resolve(file)))
                .toList();
        if (!missing.isEmpty()) {
            throw new IOException("WikiText-2 not found: " + directory + " lacks " + String.join(" and ", missing)
                    + remedy(directory));
        }
        return new Wikitext2(directory);
    }

    /**
     * Downloads the zip at {@code archive} (http, https, or any scheme {@link java.net.URL} reads, such as file) and
     * extracts its test, valid and train splits into {@code dataDir}, checking the test and valid splits against the
     * shipped digests. Each file appears under its final name only once all are complete and checked, so an
     * interrupted or damaged download never leaves a truncated or foreign text behind.
     *
     * @throws IOException saying what failed, the archive URI, and how to provide the texts instead
     */
    public static Wikitext2 download(Path dataDir, URI archive, DownloadProgress progress) throws IOException {
        Path directory = dataDir.resolve(DIRECTORY);
        Path zip = null;
        try {
            Files.createDirectories(directory);
            zip = Files.createTempFile(directory, ".wikitext-2-", ".zip.part");
            fetch(archive, zip, progress);
            extract(zip, directory);
        } catch (IOException e) {
            throw new IOException("could not download WikiText-2 from " + archive + " (" + describe(e) + ")"
                    + remedy(directory), e);
        } finally {
            if (zip != null) {
                Files.deleteIfExists(zip);
            }
        }
        return new Wikitext2(directory);
    }

    private static String remedy(Path directory) {
        return "; download " + DEFAULT_ARCHIVE + " yourself and save its " + SPLITS.get(0).entry() + " and "
                + SPLITS.get(1).entry() + " as " + directory.resolve(TRAIN_FILE) + " and "
                + directory.resolve(HELDOUT_FILE) + ", pass --data-dir / set COLLAPSE_DATA_DIR to a directory that "
                + "holds " + DIRECTORY + "/, or leave both unset to use the shipped copy";
    }

    /** Plain IOExceptions carry this class's own messages; other kinds are named because their messages are terse. */
    private static String describe(IOException e) {
        if (e.getClass() == IOException.class) {
            return e.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": "
                + e.getMessage();
    }

    private static void fetch(URI archive, Path target, DownloadProgress progress) throws IOException {
        String scheme = archive.getScheme();
        if ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) {
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
            HttpResponse<InputStream> response;
            try {
                response = client.send(HttpRequest.newBuilder(archive).timeout(RESPONSE_TIMEOUT).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (ConnectException e) {
                // HttpClient's ConnectException usually has no message at all.
                throw new IOException("could not connect to " + archive.getAuthority()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while downloading");
            }
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("the server answered HTTP " + response.statusCode());
                }
                long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                copy(body, target, total, progress);
            }
        } else {
            try {
                URLConnection connection = archive.toURL().openConnection();
                try (InputStream in = connection.getInputStream()) {
                    copy(in, target, connection.getContentLengthLong(), progress);
                }
            } catch (IllegalArgumentException e) {
                throw new IOException("not a URI that can be read: " + e.getMessage(), e);
            }
        }
    }

    /** Reports progress once per mebibyte and at the end. */
    private static void copy(InputStream in, Path target, long totalBytes, DownloadProgress progress)
            throws IOException {
        byte[] chunk = new byte[1 << 16];
        long copied = 0;
        long reported = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
            for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
                out.write(chunk, 0, read);
                copied += read;
                if (copied - reported >= 1 << 20) {
                    progress.downloaded(copied, totalBytes);
                    reported = copied;
                }
            }
        }
        progress.downloaded(copied, totalBytes);
    }

    /** Extracts every wanted entry to a temporary file first and renames them only when all were found and match. */
    private static void extract(Path zip, Path directory) throws IOException {
        Map<Split, Path> extracted = new LinkedHashMap<>();
        try {
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
                for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                    for (Split split : SPLITS) {
                        if (split.entry().equals(entry.getName()) && !extracted.containsKey(split)) {
                            Path part = Files.createTempFile(directory, "." + split.file() + "-", ".part");
                            extracted.put(split, part);
                            Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            }
            List<String> absent = SPLITS.stream().filter(split -> !extracted.containsKey(split)).map(Split::entry)
                    .toList();
            if (!absent.isEmpty()) {
                throw new IOException("the archive is not the WikiText-2 v1 zip: it has no entry "
                        + String.join(" or ", absent));
            }
            for (Map.Entry<Split, Path> done : extracted.entrySet()) {
                String expected = DIGESTS.get(done.getKey().file());
                String actual = Sha256.hex(done.getValue());
                if (expected != null && !expected.equals(actual)) {
                    throw new IOException("the archive's " + done.getKey().entry() + " has SHA-256 " + actual
                            + ", not the release's " + expected);
                }
            }
            for (Map.Entry<Split, Path> done : extracted.entrySet()) {
                Files.move(done.getValue(), directory.resolve(done.getKey().file()), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            for (Path part : extracted.values()) {
                Files.deleteIfExists(part);
            }
        }
    }
}
