package io.collapselab.lm.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * The WikiText-2 texts the demo runs on: {@code <dataDir>/wikitext-2/test.txt} is the training text (the 1.2 MB
 * test split keeps pre-training short) and {@code <dataDir>/wikitext-2/valid.txt} the held-out text. A download
 * saves the {@code wiki.test.tokens} and {@code wiki.valid.tokens} entries of the tokenised v1 release unchanged.
 */
public final class Wikitext2 {

    public static final URI DEFAULT_ARCHIVE = URI.create("https://wikitext.smerity.com/wikitext-2-v1.zip");
    public static final String DIRECTORY = "wikitext-2";
    public static final String TRAIN_FILE = "test.txt";
    public static final String HELDOUT_FILE = "valid.txt";

    /** The splits the demo uses; the archive's train split is not needed. */
    private static final List<Split> SPLITS = List.of(
            new Split("wikitext-2/wiki.test.tokens", TRAIN_FILE),
            new Split("wikitext-2/wiki.valid.tokens", HELDOUT_FILE));
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** How long the server may take to start answering; the body itself may take as long as it needs. */
    private static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(2);

    /** An archive entry and the file name it is saved under. */
    private record Split(String entry, String file) {
    }

    private final Path trainText;
    private final Path heldoutText;

    private Wikitext2(Path directory) {
        this.trainText = directory.resolve(TRAIN_FILE);
        this.heldoutText = directory.resolve(HELDOUT_FILE);
    }

    public Path trainText() {
        return trainText;
    }

    public Path heldoutText() {
        return heldoutText;
    }

    /**
     * The texts already in {@code dataDir}.
     *
     * @throws IOException naming the missing files and how to provide them
     */
    public static Wikitext2 locate(Path dataDir) throws IOException {
        Path directory = dataDir.resolve(DIRECTORY);
        List<String> missing = missingFiles(directory);
        if (!missing.isEmpty()) {
            throw new IOException("WikiText-2 not found: " + directory + " lacks " + String.join(" and ", missing)
                    + remedy(directory));
        }
        return new Wikitext2(directory);
    }

    /** The texts in {@code dataDir}, downloaded from {@link #DEFAULT_ARCHIVE} first when either is missing. */
    public static Wikitext2 locateOrDownload(Path dataDir) throws IOException {
        Path directory = dataDir.resolve(DIRECTORY);
        return missingFiles(directory).isEmpty() ? new Wikitext2(directory) : download(dataDir, DEFAULT_ARCHIVE);
    }

    private static List<String> missingFiles(Path directory) {
        return SPLITS.stream()
                .map(Split::file)
                .filter(file -> !Files.isRegularFile(directory.resolve(file)))
                .toList();
    }

    /**
     * Downloads the zip at {@code archive} (http, https, or any scheme {@link java.net.URL} reads, such as file)
     * and extracts the test and valid splits into {@code dataDir}. Each file appears under its final name only once
     * complete, so an interrupted download never leaves a truncated text behind.
     *
     * @throws IOException saying what failed, the archive URI, and how to provide the texts instead
     */
    public static Wikitext2 download(Path dataDir, URI archive) throws IOException {
        Path directory = dataDir.resolve(DIRECTORY);
        Path zip = null;
        try {
            Files.createDirectories(directory);
            zip = Files.createTempFile(directory, ".wikitext-2-", ".zip.part");
            fetch(archive, zip);
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
                + directory.resolve(HELDOUT_FILE) + ", or pass --data-dir / set COLLAPSE_DATA_DIR to a directory that "
                + "holds " + DIRECTORY + "/";
    }

    /** Plain IOExceptions carry this class's own messages; other kinds are named because their messages are terse. */
    private static String describe(IOException e) {
        if (e.getClass() == IOException.class) {
            return e.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": "
                + e.getMessage();
    }

    private static void fetch(URI archive, Path target) throws IOException {
        String scheme = archive.getScheme();
        if ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) {
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
            HttpResponse<Path> response;
            try {
                response = client.send(HttpRequest.newBuilder(archive).timeout(RESPONSE_TIMEOUT).GET().build(),
                        HttpResponse.BodyHandlers.ofFile(target));
            } catch (ConnectException e) {
                // HttpClient's ConnectException usually has no message at all.
                throw new IOException("could not connect to " + archive.getAuthority()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while downloading");
            }
            if (response.statusCode() != 200) {
                throw new IOException("the server answered HTTP " + response.statusCode());
            }
        } else {
            try (InputStream in = archive.toURL().openStream()) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IllegalArgumentException e) {
                throw new IOException("not a URI that can be read: " + e.getMessage(), e);
            }
        }
    }

    /** Extracts every wanted entry to a temporary file first and renames them only when all were found. */
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
