package io.collapselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code collapse bench checkpoint-io} on the smoke model, against a real embedded S3 server. */
class CheckpointIoBenchCommandIT {

    private static final Pattern RATE = Pattern.compile("\\s+\\d+\\.\\d\\d s\\s+\\d+\\.\\d MB/s");

    @Test
    void printsWriteReadAndCopyRatesAndLeavesNothingBehind(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CheckpointIoBenchCommand command = new CheckpointIoBenchCommand();
        command.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        int exit = new CommandLine(command).execute("--preset", "smoke", "--runs", "1", "--threads", "1",
                "--dir", dir.toString());

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        String[] lines = out.split("\n");
        assertEquals(5, lines.length, out);
        assertTrue(lines[0].startsWith("checkpoint of 1 layers, 2 heads, width 32, context 32, vocabulary 256: "),
                lines[0]);
        assertTrue(lines[1].matches("objects: weights \\d+\\.\\d MB \\+ training state \\d+\\.\\d MB = \\d+\\.\\d MB "
                + "\\(best of 1 runs\\)"), lines[1]);
        assertTrue(RATE.matcher(lines[2]).find() && lines[2].startsWith("plain file copy"), lines[2]);
        assertTrue(lines[3].startsWith("write: engine -> S3") && lines[3].endsWith("% of the copy"), lines[3]);
        assertTrue(lines[4].startsWith("read: S3 -> engine") && lines[4].endsWith("% of the copy"), lines[4]);
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("plain")), left.toList(), "only the copied files remain");
        }
    }

    @Test
    void anUnknownRandomArchitectureIsOneLineNamingTheKnownOnes() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = CollapseMain.commandLine();
        commandLine.setErr(new PrintWriter(err, true));

        int exit = commandLine.execute("bench", "checkpoint-io", "--preset", "paper-gpt2", "--init-from",
                "random:gpt3");

        assertEquals(CollapseMain.BAD_INPUT, exit, err.toString());
        assertEquals("collapse: --init-from: 'random:gpt3' names no GPT-2 architecture; use random: followed by one "
                + "of gpt2, gpt2-large, gpt2-medium, gpt2-xl", err.toString().strip());
    }
}
