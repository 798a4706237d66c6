package io.collapselab.lm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFilesTest {

    @TempDir
    Path temp;

    @Test
    void readsTheBytes() throws IOException {
        byte[] bytes = {'h', 'i', (byte) 0xff};
        Path file = Files.write(temp.resolve("text.txt"), bytes);
        assertArrayEquals(bytes, TextFiles.read(file, "held-out text", "--heldout-text"));
    }

    @Test
    void missingFileSaysWhatWhereAndHowToFixIt() {
        Path file = temp.resolve("valid.txt");
        IOException e = assertThrows(IOException.class, () -> TextFiles.read(file, "held-out text", "--heldout-text"));
        assertEquals("held-out text not found at " + file + "; pass --heldout-text or set COLLAPSE_DATA_DIR",
                e.getMessage());
    }

    @Test
    void emptyFileIsRejected() throws IOException {
        Path file = Files.createFile(temp.resolve("empty.txt"));
        IOException e = assertThrows(IOException.class, () -> TextFiles.read(file, "training text", "--train-text"));
        assertEquals("training text at " + file + " is empty; pass --train-text or set COLLAPSE_DATA_DIR",
                e.getMessage());
    }

    @Test
    void directoryIsRejected() {
        IOException e = assertThrows(IOException.class, () -> TextFiles.read(temp, "training text", "--train-text"));
        assertEquals("training text at " + temp + " is a directory, not a file; pass --train-text or set "
                + "COLLAPSE_DATA_DIR", e.getMessage());
    }
}
