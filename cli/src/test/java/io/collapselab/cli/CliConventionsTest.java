package io.collapselab.cli;

import static io.collapselab.cli.LoopCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.cli.LoopCommandTest.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

class CliConventionsTest {

    @Test
    void everyCommandAnswersVersionWithTheProjectAndEngineVersions() {
        for (String command : List.of("", "loop ", "report ", "data download ", "bench pipeline ")) {
            Result result = run((command + "-V").split(" "));
            assertEquals(CollapseMain.OK, result.exitCode(), command + ": " + result.err());
            String[] lines = result.out().split("\n");
            assertTrue(lines[0].matches("collapse-lab \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit \\S+\\)"),
                    command + ": " + result.out());
            assertEquals("DJL 0.36.0", lines[1], command + ": " + result.out());
            assertTrue(lines[2].startsWith("libtorch 2.7.1 ("), command + ": " + result.out());
        }
    }

    @Test
    void completionScriptCoversCommandsAndTheirOptions() {
        Result result = run("completion");

        assertEquals(CollapseMain.OK, result.exitCode(), result.err());
        assertTrue(result.out().startsWith("#!/usr/bin/env bash"), result.out().lines().findFirst().orElse(""));
        assertTrue(result.out().contains("complete -F _complete_collapse"), "registers the function");
        for (String word : List.of("loop", "demo", "--heldout-text", "--data-dir", "download")) {
            assertTrue(result.out().contains(word), word);
        }
    }

    @Test
    void aMistypedOptionGetsASuggestion() {
        Result result = run("loop", "--heldout-txt", "x");

        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertTrue(result.err().contains("\nDid you mean --heldout-text?\n"), result.err());
    }

    @Test
    void aMistypedCommandGetsASuggestion() {
        Result result = run("lop");

        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertTrue(result.err().contains("\nDid you mean loop?\n"), result.err());
    }
}
