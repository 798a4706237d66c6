package io.collapselab.lm;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** WikiText-2 for tests, from the directory named by the {@code collapse.data.dir} system property. */
public final class RealText {

    private RealText() {
    }

    public static Path dataDir() {
        String dir = System.getProperty("collapse.data.dir", "");
        Assumptions.assumeFalse(dir.isBlank() || dir.startsWith("${"),
                "set COLLAPSE_DATA_DIR (or -Dcollapse.data.dir) to a directory holding wikitext-2/");
        return Path.of(dir);
    }

    /** The first {@code bytes} bytes of the training split. */
    public static byte[] train(int bytes) {
        return prefix(dataDir().resolve("wikitext-2/test.txt"), bytes);
    }

    /** The first {@code bytes} bytes of the held-out split. */
    public static byte[] heldout(int bytes) {
        return prefix(dataDir().resolve("wikitext-2/valid.txt"), bytes);
    }

    private static byte[] prefix(Path file, int bytes) {
        try {
            byte[] all = Files.readAllBytes(file);
            return Arrays.copyOf(all, Math.min(bytes, all.length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
