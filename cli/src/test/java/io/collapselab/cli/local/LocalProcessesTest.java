package io.collapselab.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the local processes' logs survive restarts (appended to, and rotated only once they have grown large), and how
 * a standing run is explained by the services' state.
 */
class LocalProcessesTest {

    @TempDir
    Path stateDir;

    @Test
    void aSmallLogIsKeptAsItIs() throws IOException {
        LocalProcesses local = new LocalProcesses(stateDir, stateDir);
        Files.createDirectories(local.logsDir());
        Files.writeString(local.log("trainer"), "the crash before the restart\n");

        local.rotateLog("trainer");

        assertEquals("the crash before the restart\n", Files.readString(local.log("trainer")));
        assertFalse(Files.exists(local.rotated("trainer", 1)));
    }

    @Test
    void aLargeLogIsRotatedKeepingTheNewestGenerations() throws IOException {
        LocalProcesses local = new LocalProcesses(stateDir, stateDir);
        Files.createDirectories(local.logsDir());
        for (int start = 1; start <= LocalProcesses.LOG_GENERATIONS + 1; start++) {
            Files.write(local.log("generator"), largeLog(start));
            local.rotateLog("generator");
        }

        assertFalse(Files.exists(local.log("generator")), "the next start creates it afresh");
        for (int n = 1; n <= LocalProcesses.LOG_GENERATIONS; n++) {
            int start = LocalProcesses.LOG_GENERATIONS + 2 - n;
            assertEquals(start, Files.readAllBytes(local.rotated("generator", n))[0], "log." + n);
        }
        assertFalse(Files.exists(local.rotated("generator", LocalProcesses.LOG_GENERATIONS + 1)));
    }

    @Test
    void aStandingRunIsExplainedByTheServicesThatAreNotRunning() throws IOException {
        LocalProcesses local = new LocalProcesses(stateDir, stateDir);
        Path run = Files.createDirectories(stateDir.resolve("run"));
        // A trainer replica that was started and has since died: its pid names no live process of ours.
        Files.writeString(run.resolve("trainer-2.pid"), Long.toString(Long.MAX_VALUE));

        List<String> problems = local.serviceProblems();

        assertEquals(List.of("trainer is not running; its log: " + local.log("trainer"),
                "trainer-2 is not running; its log: " + local.log("trainer-2"),
                "generator is not running; its log: " + local.log("generator"),
                "evaluator is not running; its log: " + local.log("evaluator")), problems);
    }

    /** A log just past the rotation size whose first byte tells which start wrote it. */
    private static byte[] largeLog(int start) {
        byte[] log = new byte[(int) LocalProcesses.LOG_ROTATE_BYTES];
        log[0] = (byte) start;
        return log;
    }
}
