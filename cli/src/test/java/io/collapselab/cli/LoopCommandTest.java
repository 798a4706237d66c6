package io.collapselab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.lm.RealText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoopCommandTest {

    static final List<String> GENERATION_FIELDS = List.of("generation", "trainLoss", "heldoutLoss",
            "heldoutPerplexity", "heldoutMethod", "heldoutTokens", "heldoutBitsPerByte", "heldoutWordPerplexity",
            "wholeTextLoss", "wholeTextPerplexity", "wholeTextBitsPerByte", "wholeTextWordPerplexity",
            "wholeTextTokens", "distinct1", "distinct2", "distinct3", "repetition", "entropy", "tailMass",
            "unseenWordShare", "cycleLength", "checkpointSha256", "corpusSha256", "sampleExcerpt", "wallMs");

    @Test
    void smokeRunWritesOneJsonEntryPerGeneration(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("out.json");
        ByteArrayOutputStream standardOutput = new ByteArrayOutputStream();
        PrintStream original = System.out;
        Result result;
        try {
            System.setOut(new PrintStream(standardOutput, true, StandardCharsets.UTF_8));
            result = run("loop", "--preset", "smoke", "--generations", "1", "--json", "--json-file", json.toString(),
                    "--run-id", "smoke-test");
        } finally {
            System.setOut(original);
        }

        assertEquals(CollapseMain.OK, result.exitCode(), result.err());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(root, new ObjectMapper().readTree(standardOutput.toByteArray()),
                "--json prints what --json-file writes, and nothing else on standard output");
        assertEquals("smoke-test", root.get("runId").asText());
        assertEquals("max-generations", root.get("status").asText());
        assertEquals("smoke", root.get("config").get("name").asText());
        JsonNode generations = root.get("generations");
        assertEquals(2, generations.size());
        for (int g = 0; g < generations.size(); g++) {
            JsonNode entry = generations.get(g);
            assertEquals(g, entry.get("generation").asInt());
            for (String field : GENERATION_FIELDS) {
                assertTrue(entry.has(field), "generation " + g + " lacks " + field);
            }
            assertTrue(entry.get("checkpointSha256").asText().matches("[0-9a-f]{64}"));
            assertTrue(entry.get("heldoutPerplexity").asDouble() > 1);
            assertEquals("whole", entry.get("heldoutMethod").asText());
            assertEquals(entry.get("heldoutLoss").asDouble(), entry.get("wholeTextLoss").asDouble());
            // Byte-level: every scored token is one byte, so bits per byte are the loss in bits.
            assertEquals(entry.get("heldoutLoss").asDouble() / Math.log(2), entry.get("heldoutBitsPerByte").asDouble(),
                    1e-12);
            assertTrue(entry.get("heldoutWordPerplexity").asDouble() > entry.get("heldoutPerplexity").asDouble());
        }
    }

    @Test
    void aSubsampledAccumulationOfRealSizeCorporaRunsFromTheCommandLine(@TempDir Path dir) throws Exception {
        Path train = dir.resolve("train.txt");
        Path heldout = dir.resolve("heldout.txt");
        Files.write(train, RealText.train(2_000));
        Files.write(heldout, RealText.heldout(2_000));
        Path json = dir.resolve("out.json");

        Result result = run("loop", "--preset", "smoke", "--generations", "1", "--train-text", train.toString(),
                "--heldout-text", heldout.toString(), "--mixing", "accumulate-subsample", "--tokens-per-generation",
                "real-size", "--epochs-per-generation", "0.5", "--json-file", json.toString());

        assertEquals(CollapseMain.OK, result.exitCode(), result.err());
        JsonNode config = new ObjectMapper().readTree(json.toFile()).get("config");
        assertEquals("accumulate-subsample", config.get("mixing").get("policy").asText());
        assertEquals("real-size", config.get("sampling").get("tokensPerGeneration").asText());
        assertEquals("epochs", config.get("selfTraining").get("budget").asText());
        assertEquals(0.5, config.get("selfTraining").get("epochs").asDouble());
    }

    @Test
    void aGridOfSeedsRunsOneAfterTheOtherAndItsListFeedsTheReport(@TempDir Path dir) throws Exception {
        Path train = dir.resolve("train.txt");
        Path heldout = dir.resolve("heldout.txt");
        Files.write(train, RealText.train(2_000));
        Files.write(heldout, RealText.heldout(2_000));
        Path json = dir.resolve("grid.json");

        Result result = run("loop", "--preset", "smoke", "--generations", "1", "--train-text", train.toString(),
                "--heldout-text", heldout.toString(), "--seeds", "7,8", "--group", "seeds", "--json-file",
                json.toString());

        assertEquals(CollapseMain.OK, result.exitCode(), result.err());
        JsonNode runs = new ObjectMapper().readTree(json.toFile());
        assertEquals(2, runs.size());
        assertEquals("8", runs.get(1).get("group").get("settings").get("seed").asText());
        assertEquals(8, runs.get(1).get("config").get("seed").asInt());
        assertFalse(runs.get(0).get("generations").get(0).get("checkpointSha256")
                .equals(runs.get(1).get("generations").get(0).get("checkpointSha256")), "other seeds, other runs");

        Path report = dir.resolve("grid.html");
        Result reported = run("report", "--loop-json", json.toString(), "--out", report.toString());
        assertEquals(CollapseMain.OK, reported.exitCode(), reported.err());
        String html = Files.readString(report);
        assertTrue(html.contains("seeds (2 seeds: mean, and a band from the lowest to the highest)"), html);
        assertTrue(html.contains("<polygon class=\"band\""), html);
    }

    @Test
    void aRunIdNamesOneRunNotAGrid() {
        Result result = run("loop", "--preset", "smoke", "--seeds", "2", "--run-id", "one");

        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertTrue(result.err().contains("--run-id names one run; the grid has 2"), result.err());
    }

    @Test
    void aCorpusSizeOfNoKnownFormNamesTheForms() {
        Result result = run("loop", "--preset", "smoke", "--tokens-per-generation", "twice", "--data-dir", "unused");
        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertOneLine(result.err(), "--tokens-per-generation: sampling.tokensPerGeneration must be a number of "
                + "tokens, 'real-size' or a multiple of it such as '2x real-size' or '0.5x real-size', was 'twice'");
    }

    @Test
    void anOversampledCorpusWithoutABandIsABadInputNamingTheRule() {
        Result result = run("loop", "--preset", "smoke", "--oversample", "2", "--perplexity-max", "40",
                "--data-dir", "unused");
        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertOneLine(result.err(), "invalid experiment: sampling.curation.oversample keeps the samples nearest the "
                + "perplexity band's centre; set both perplexityMin and perplexityMax");
    }

    @Test
    void stepsAndEpochsPerGenerationAreOneBudgetOrTheOther() {
        Result result = run("loop", "--preset", "smoke", "--steps-per-generation", "5", "--epochs-per-generation",
                "2", "--data-dir", "unused");
        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertOneLine(result.err(), "--steps-per-generation and --epochs-per-generation are two budgets");
    }

    @Test
    void unknownPresetIsABadInput() {
        Result result = run("loop", "--preset", "nonsense", "--data-dir", "unused");
        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertOneLine(result.err(), "unknown preset 'nonsense'");
    }

    @Test
    void impossibleConfigIsRejectedBeforeAnyWork(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("bad.json");
        String smoke = new ObjectMapper().writeValueAsString(io.collapselab.experiment.Presets.get("smoke"));
        Files.writeString(config, smoke.replace("\"heads\":2", "\"heads\":3").replace("\"contextLength\":32",
                "\"contextLength\":1"));
        Result result = run("loop", "--config", config.toString(), "--data-dir", dir.toString());
        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertOneLine(result.err(), "model.heads (3) must divide model.width (32)");
        assertTrue(result.err().contains("model.contextLength must be between 2 and 65536, was 1"), result.err());
    }

    @Test
    void aConfigThatDoesNotFitNamesTheFieldAndItsLine(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("bad.json");
        Files.writeString(config, io.collapselab.experiment.ExperimentJson.toPrettyJson(
                io.collapselab.experiment.Presets.get("smoke")).replace("\"layers\" : 1", "\"layers\" : null"));
        Result result = run("loop", "--config", config.toString());
        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertOneLine(result.err(), "config file " + config + " is not a valid experiment config: model.layers (line ");
        assertTrue(result.err().strip().endsWith(", column 5): must be a whole number, not null"), result.err());
    }

    @Test
    void missingDataSaysWhatToPass(@TempDir Path dir) {
        Result result = run("loop", "--preset", "smoke", "--data-dir", dir.toString());
        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertOneLine(result.err(), "WikiText-2 not found");
        assertTrue(result.err().contains("--data-dir"), result.err());
    }

    @Test
    void missingHeldoutFileNamesTheOption(@TempDir Path dir) throws Exception {
        Path train = Files.writeString(dir.resolve("train.txt"), "some real text");
        Result result = run("loop", "--preset", "smoke", "--train-text", train.toString(), "--heldout-text",
                dir.resolve("absent.txt").toString());
        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertOneLine(result.err(), "held-out text not found at");
        assertTrue(result.err().contains("--heldout-text"), result.err());
    }

    @Test
    void badOptionValueIsABadInput() {
        Result result = run("loop", "--generations", "many");
        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertTrue(result.err().contains("--generations"), result.err());
    }

    @Test
    void negativeLearningRateIsRejected() {
        Result result = run("loop", "--preset", "smoke", "--lr", "-1", "--data-dir", "unused");
        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertOneLine(result.err(), "selfTraining.learningRate must be in (0, 10], was -1.0");
    }

    private static void assertOneLine(String err, String expected) {
        String trimmed = err.strip();
        assertTrue(trimmed.contains(expected), trimmed);
        assertFalse(trimmed.contains("\n"), "expected one line, got: " + trimmed);
        assertFalse(trimmed.contains("Exception"), "no stack trace or exception names: " + trimmed);
    }

    record Result(int exitCode, String out, String err) {
    }

    static Result run(String... args) {
        return run(commandLine -> { }, args);
    }

    /** Runs the command line after {@code setup} has set what tests inject (an environment, a directory). */
    static Result run(Consumer<CommandLine> setup, String... args) {
        CommandLine commandLine = CollapseMain.commandLine();
        setup.accept(commandLine);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
