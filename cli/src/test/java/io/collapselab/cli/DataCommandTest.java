package io.collapselab.cli;

import static io.collapselab.cli.LoopCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.cli.LoopCommandTest.Result;
import io.collapselab.lm.Sha256;
import io.collapselab.lm.data.Wikitext2;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DataCommandTest {

    @TempDir
    Path dir;

    @Test
    void withoutADataDirectoryTheShippedCopyIsUsed() {
        Result result = run(environment(), "data");

        assertEquals(CollapseMain.OK, result.exitCode(), result.err());
        assertTrue(result.out().contains("training text: shipped WikiText-2 test.txt (1,256,452 bytes, sha256 "
                + Sha256.hex(Wikitext2.shippedTrainText()) + ")"), result.out());
        assertTrue(result.out().contains("held-out text: shipped WikiText-2 valid.txt (1,121,684 bytes"),
                result.out());
        assertTrue(result.out().contains("CC BY-SA 3.0"), "the licence is shown: " + result.out());
    }

    @Test
    void pennTreebankFilesGivenAsPathsAreTheTexts() throws IOException {
        Path train = Files.writeString(dir.resolve("ptb.train.txt"),
                " aer banknote berlitz calloway centrust cluett fromstein \n pierre <unk> N years old \n");
        Path valid = Files.writeString(dir.resolve("ptb.valid.txt"), " consumers may want to move their telephones \n");

        Result result = run("data", "--train-text", train.toString(), "--heldout-text", valid.toString());

        assertEquals(CollapseMain.OK, result.exitCode(), result.err());
        assertTrue(result.out().contains("training text: " + train + " (" + Files.size(train) + " bytes"),
                result.out());
        assertTrue(result.out().contains("held-out text: " + valid + " (" + Files.size(valid) + " bytes"),
                result.out());
    }

    @Test
    void downloadSavesTheThreeSplitsAndPrintsTheirDigests() throws IOException {
        Path zip = dir.resolve("wikitext-2-v1.zip");
        byte[] trainSplit = " \n = Valkyria Chronicles III = \n".getBytes(StandardCharsets.UTF_8);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Map.Entry<String, byte[]> entry : Map.of(
                    "wikitext-2/wiki.train.tokens", trainSplit,
                    "wikitext-2/wiki.test.tokens", Wikitext2.shippedTrainText(),
                    "wikitext-2/wiki.valid.tokens", Wikitext2.shippedHeldoutText()).entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        Path data = dir.resolve("data");

        Result result = run("data", "download", "--data-dir", data.toString(), "--archive", zip.toUri().toString());

        assertEquals(CollapseMain.OK, result.exitCode(), result.err());
        Path saved = data.resolve("wikitext-2");
        assertArrayEquals(trainSplit, Files.readAllBytes(saved.resolve("train.txt")));
        assertTrue(result.out().contains(saved.resolve("train.txt") + "  sha256 " + Sha256.hex(trainSplit)),
                result.out());
        assertTrue(result.err().contains(String.format("of %.1f MB (100%%)", Files.size(zip) / 1e6)),
                result.err());
        Result located = run("data", "--data-dir", data.toString());
        assertTrue(located.out().contains("training text: " + saved.resolve("test.txt")), located.out());
    }

    @Test
    void anUnreachableArchiveSaysWhatToDoInstead() {
        Result result = run("data", "download", "--data-dir", dir.toString(), "--archive",
                "http://127.0.0.1:1/wikitext-2-v1.zip");

        assertEquals(CollapseMain.FAILED, result.exitCode());
        assertTrue(result.err().contains("could not download WikiText-2 from http://127.0.0.1:1/wikitext-2-v1.zip "
                + "(could not connect to 127.0.0.1:1)"), result.err());
        assertTrue(result.err().contains("leave both unset to use the shipped copy"), result.err());
    }

    /** An environment without COLLAPSE_DATA_DIR, whatever the build's is. */
    private static Consumer<CommandLine> environment() {
        return commandLine -> ((DataCommand) commandLine.getSubcommands().get("data").getCommand()).data
                .environment = name -> null;
    }
}
