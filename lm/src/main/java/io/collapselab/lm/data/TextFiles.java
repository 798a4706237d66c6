package io.collapselab.lm.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the text files a run is given, failing with a one-line message that says how to fix the problem. */
public final class TextFiles {

    private TextFiles() {
    }

    /**
     * The bytes of {@code file}.
     *
     * @param what   what the file holds, as the user knows it, e.g. {@code "held-out text"}
     * @param option the command-line option that points at it, e.g. {@code "--heldout-text"}
     * @throws IOException when the file is missing, a directory, unreadable or empty
     */
    public static byte[] read(Path file, String what, String option) throws IOException {
        String remedy = "; pass " + option + " or set COLLAPSE_DATA_DIR";
        if (!Files.exists(file)) {
            throw new IOException(what + " not found at " + file + remedy);
        }
        if (Files.isDirectory(file)) {
            throw new IOException(what + " at " + file + " is a directory, not a file" + remedy);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(what + " at " + file + " could not be read (" + e + ")" + remedy, e);
        }
        if (bytes.length == 0) {
            throw new IOException(what + " at " + file + " is empty" + remedy);
        }
        return bytes;
    }
}
