package io.collapselab.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the local processes' logs survive restarts: appended to, and rotated only once they have grown large. */
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

    /** A log just past the rotation size whose first byte tells which start wrote it. */
    private static byte[] largeLog(int start) {
        byte[] log = new byte[(int) LocalProcesses.LOG_ROTATE_BYTES];
        log[0] = (byte) start;
        return log;
    }
}
