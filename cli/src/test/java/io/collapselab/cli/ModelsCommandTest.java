package io.collapselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.cli.LoopCommandTest.Result;
import io.collapselab.cli.hub.FakeHub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code collapse models pull|list} against a {@link FakeHub}, through the real command line. */
class ModelsCommandTest {

    private static final String REPO = "collapse-lab/tiny-gpt2";
    private static final String TOKEN = "hf_secretTokenNeverShown";
    private static final byte[] CONFIG = "{\"model_type\":\"gpt2\",\"n_layer\":1}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private FakeHub hub;
    private byte[] weights;
    private Map<String, String> environment;

    @BeforeEach
    void startHub() throws IOException {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("wte.weight", new int[] {500, 100});
        shapes.put("ln_f.weight", new int[] {100});
        weights = FakeHub.safetensors(shapes, 3);
        hub = FakeHub.start();
        hub.addModel(REPO, CONFIG, weights);
        environment = hub.environment(dir.resolve("hf"));
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void pullShowsProgressAndWhereTheModelIsThenListShowsIt() {
        String size = String.format(Locale.ROOT, "%.1f kB", weights.length / 1000.0);

        Result pull = run("models", "pull", REPO);

        assertEquals(CollapseMain.OK, pull.exitCode(), pull.err());
        Path snapshot = dir.resolve("hf/hub/models--collapse-lab--tiny-gpt2/snapshots").resolve(FakeHub.commitOf(REPO));
        assertTrue(pull.out().contains(REPO + " at main (commit " + FakeHub.commitOf(REPO) + ") is in " + snapshot),
                pull.out());
        assertTrue(pull.out().lines().anyMatch(line -> line.startsWith("model.safetensors")
                && line.contains(size) && line.endsWith("downloaded, verified")), pull.out());
        assertTrue(pull.err().lines().anyMatch(line -> line.startsWith("model.safetensors  [####################]"
                + "  " + size + " / " + size + "  ") && line.endsWith("/s")), pull.err());

        Result list = run("models", "list");

        assertEquals(CollapseMain.OK, list.exitCode(), list.err());
        List<String> lines = list.out().lines().toList();
        assertEquals(List.of("repo", "revision", "commit", "size", "parameters"),
                List.of(lines.get(0).trim().split(" +")));
        String total = String.format(Locale.ROOT, "%.1f kB", (CONFIG.length + weights.length) / 1000.0);
        assertEquals(REPO + "  main      " + FakeHub.commitOf(REPO).substring(0, 8) + "  " + total + "       50.1K",
                lines.get(1));
        assertEquals("in " + dir.resolve("hf/hub"), lines.get(2));
    }

    @Test
    void aSecondPullSaysEverythingIsCached() {
        run("models", "pull", REPO);

        Result again = run("models", "pull", REPO, "--revision", "main");

        assertEquals(CollapseMain.OK, again.exitCode(), again.err());
        assertEquals(2, again.out().lines().filter(line -> line.endsWith("already cached")).count(), again.out());
        assertEquals("", again.err());
    }

    @Test
    void theTokenIsSentButNeverPrinted() {
        hub.requireToken(TOKEN);
        environment.put("HF_TOKEN", TOKEN);

        Result pulled = run("models", "pull", REPO);
        Result unknown = run("models", "pull", "collapse-lab/missing", "--verbose");

        assertEquals(CollapseMain.OK, pulled.exitCode(), pulled.err());
        assertEquals(CollapseMain.BAD_INPUT, unknown.exitCode());
        for (Result result : List.of(pulled, unknown)) {
            assertFalse(result.out().contains(TOKEN) || result.err().contains(TOKEN), result.toString());
        }
        assertTrue(hub.requests().stream().anyMatch(r -> ("Bearer " + TOKEN).equals(r.authorization())), hub.log());
    }

    @Test
    void anUnknownModelIsOneLineWithExitCode2() {
        Result result = run("models", "pull", "collapse-lab/missing");

        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertEquals("collapse: there is no model 'collapse-lab/missing' on " + hub.endpoint() + ": check the id (for"
                + " example gpt2 or openai-community/gpt2), or set $HF_TOKEN if it is private", result.err().strip());
    }

    @Test
    void anUnreachableHubIsOneLineWithExitCode2() throws IOException {
        String unreachable = FakeHub.unreachableEndpoint();
        environment.put("HF_ENDPOINT", unreachable);

        Result result = run("models", "pull", "gpt2");

        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("collapse: cannot reach the Hugging Face Hub at " + unreachable),
                result.err());
    }

    @Test
    void aCorruptDownloadFailsWithExitCode1NamingBothDigests() {
        byte[] other = weights.clone();
        other[other.length - 1] ^= 1;
        hub.corruptWeights(REPO, other);

        Result result = run("models", "pull", REPO);
        Result verbose = run("models", "pull", REPO, "--verbose");

        assertEquals(CollapseMain.FAILED, result.exitCode());
        assertTrue(result.err().contains("the hub announced SHA-256 " + FakeHub.sha256(weights) + ", the download has "
                + FakeHub.sha256(other)), result.err());
        assertTrue(result.err().contains("(run again with --verbose for the stack trace)"), result.err());
        assertEquals(CollapseMain.FAILED, verbose.exitCode());
        assertTrue(verbose.err().contains("io.collapselab.cli.hub.HubException: model.safetensors of " + REPO),
                verbose.err());
    }

    @Test
    void anEmptyCacheIsSaidSo() {
        Result result = run("models", "list");

        assertEquals(CollapseMain.OK, result.exitCode(), result.err());
        assertEquals("no models in " + dir.resolve("hf/hub") + "; collapse models pull gpt2 downloads one",
                result.out().strip());
    }

    @Test
    void modelsWithoutASubcommandAsksForOne() {
        Result result = run("models");

        assertEquals(CollapseMain.BAD_INPUT, result.exitCode());
        assertTrue(result.err().contains("collapse models pull REPO, or collapse models list"), result.err());
    }

    private Result run(String... args) {
        return LoopCommandTest.run(commandLine -> {
            ModelsCommand models = commandLine.getSubcommands().get("models").getCommand();
            models.environment = environment::get;
            models.retryDelay = Duration.ZERO;
        }, args);
    }
}
