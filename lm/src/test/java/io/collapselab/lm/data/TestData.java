package io.collapselab.lm.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real-text directory for tests, from the system property {@code collapse.data.dir} (surefire sets it from
 * COLLAPSE_DATA_DIR). Tests that need real text are skipped, not failed, where it is not configured.
 */
public final class TestData {

    private static final String PROPERTY = "collapse.data.dir";

    private TestData() {
    }

    /** The configured data directory; aborts the calling test (as skipped) when none is configured. */
    public static Path dataDir() {
        String value = System.getProperty(PROPERTY);
        // Maven leaves an unresolved ${env.COLLAPSE_DATA_DIR} in place when the variable is not set.
        assumeTrue(value != null && !value.isBlank() && !value.startsWith("${"),
                PROPERTY + " is not set; set COLLAPSE_DATA_DIR to a directory holding wikitext-2/ to run this test");
        return Path.of(value);
    }

    /** The bytes of the demo's real training text, wikitext-2/test.txt. */
    public static byte[] trainText() {
        try {
            return Files.readAllBytes(dataDir().resolve("wikitext-2").resolve("test.txt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
