package io.collapselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad input to {@code collapse audit} that is refused before any connection is made. */
class AuditCommandTest {

    @Test
    void aRunIdIsRequired() {
        Result result = run("audit");

        assertEquals(AuditCommand.NOT_AUDITED, result.exitCode());
        assertTrue(result.err().startsWith("collapse: Missing required parameter: 'RUN'"), result.err());
    }

    @Test
    void aMalformedRunIdIsOneLine() {
        Result result = run("audit", "Not_A_Run", "--bootstrap-servers", "unused:9092");

        assertEquals(AuditCommand.NOT_AUDITED, result.exitCode());
        assertEquals("collapse: 'Not_A_Run' is not a run id (1 to 63 characters of a-z, 0-9 and '-', starting with"
                + " a letter or digit); `collapse runs` lists the runs", result.err().strip());
    }

    @Test
    void aNegativeGenerationCannotBeRecomputed() {
        Result result = run("audit", "some-run", "--recompute", "-1");

        assertEquals(AuditCommand.NOT_AUDITED, result.exitCode());
        assertEquals("collapse: --recompute takes a generation (0 or more), was -1", result.err().strip());
    }

    @Test
    void aSecretKeyOnTheCommandLineIsRefusedWithoutEchoingIt() {
        Result result = run("audit", "some-run", "--s3-secret-key", "hunter2");

        assertEquals(AuditCommand.NOT_AUDITED, result.exitCode());
        assertEquals("collapse: --s3-secret-key is not accepted, since a secret on the command line lands in the"
                + " shell's history and the process list: set $COLLAPSE_S3_SECRET_KEY or pass --s3-secret-key-file"
                + " FILE", result.err().strip());
        assertFalse(result.out().contains("hunter2"));
    }

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        CommandLine commandLine = CollapseMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return new Result(commandLine.execute(args), out.toString(), err.toString());
    }
}
