package io.collapselab.cli.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.cli.UsageError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulling, listing and resolving models against {@link FakeHub}, with the environment faked. */
class HubModelsTest {

    static final String REPO = "collapse-lab/tiny-gpt2";
    static final byte[] CONFIG = ("{\"model_type\":\"gpt2\",\"n_layer\":1,\"n_head\":2,\"n_embd\":16,"
            + "\"n_positions\":32,\"vocab_size\":64}").getBytes(StandardCharsets.UTF_8);
    static final Map<String, int[]> SHAPES = shapes();
    static final byte[] WEIGHTS = FakeHub.safetensors(SHAPES, 7);
    private static final String TOKEN = "hf_secretTokenNeverShown";
    private static final int CUT = 1000;

    @TempDir
    Path dir;

    private FakeHub hub;
    private Map<String, String> environment;

    @BeforeEach
    void startHub() throws IOException {
        hub = FakeHub.start();
        hub.addModel(REPO, CONFIG, WEIGHTS);
        environment = hub.environment(dir.resolve("hf"));
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void pullPutsBothFilesIntoTheHubsCacheLayout() throws IOException {
        HubModels.Pulled pulled = models().pull(REPO, "main", TransferListener.NONE);

        String commit = FakeHub.commitOf(REPO);
        Path repoDir = dir.resolve("hf/hub/models--collapse-lab--tiny-gpt2");
        assertEquals(commit, pulled.commit());
        assertEquals(repoDir.resolve("snapshots").resolve(commit), pulled.snapshot());
        assertEquals(commit, Files.readString(repoDir.resolve("refs/main")));
        assertArrayEquals(CONFIG, Files.readAllBytes(pulled.snapshot().resolve("config.json")));
        assertArrayEquals(WEIGHTS, Files.readAllBytes(pulled.snapshot().resolve("model.safetensors")));
        assertEquals(Path.of("../../blobs", FakeHub.sha256(WEIGHTS)),
                Files.readSymbolicLink(pulled.snapshot().resolve("model.safetensors")));
        assertEquals(Path.of("../../blobs", FakeHub.gitBlobId(CONFIG)),
                Files.readSymbolicLink(pulled.snapshot().resolve("config.json")));
        try (var blobs = Files.list(repoDir.resolve("blobs"))) {
            assertEquals(2, blobs.count(), "no .incomplete file is left");
        }
        assertEquals(List.of(new HubModels.PulledFile("config.json", CONFIG.length, true),
                new HubModels.PulledFile("model.safetensors", WEIGHTS.length, true)), pulled.files());
    }

    @Test
    void theSecondPullDownloadsNothing() throws IOException {
        HubModels.Pulled first = models().pull(REPO, "main", TransferListener.NONE);
        Path blob = first.snapshot().resolve("model.safetensors").toRealPath();
        FileTime written = Files.getLastModifiedTime(blob);
        int getsBefore = hub.requests("GET", "/").size();

        HubModels.Pulled second = models().pull(REPO, "main", TransferListener.NONE);

        assertEquals(getsBefore, hub.requests("GET", "/").size(), hub.log());
        assertTrue(second.files().stream().noneMatch(HubModels.PulledFile::downloaded), second.toString());
        assertEquals(first.snapshot(), second.snapshot());
        assertEquals(written, Files.getLastModifiedTime(blob));
    }

    @Test
    void aRenamedModelIsFollowedToItsNewNameAndCachedUnderTheNameAsked() throws IOException {
        hub.rename("gpt2", REPO);

        HubModels.Pulled pulled = models().pull("gpt2", "main", TransferListener.NONE);

        assertEquals(dir.resolve("hf/hub/models--gpt2/snapshots").resolve(FakeHub.commitOf(REPO)), pulled.snapshot());
        assertArrayEquals(WEIGHTS, Files.readAllBytes(pulled.snapshot().resolve("model.safetensors")));
        assertEquals(1, hub.requests("HEAD", "/gpt2/resolve/main/").size(), hub.log());
    }

    @Test
    void aBrokenDownloadResumesWhereItStopped() throws IOException {
        hub.cutDownloads(1, CUT);
        List<String> heard = new ArrayList<>();
        TransferListener listener = new TransferListener() {
            @Override
            public void started(String file, long offset, long total) {
                heard.add("started " + file + " at " + offset + " of " + total);
            }

            @Override
            public void broke(String file, long done, String reason) {
                heard.add("broke " + file + " at " + done);
            }
        };

        HubModels.Pulled pulled = models().pull(REPO, "main", listener);

        List<FakeHub.Request> downloads = hub.requests("GET", "/cdn/");
        assertEquals(2, downloads.size(), hub.log());
        assertNull(downloads.get(0).range());
        assertEquals("bytes=" + CUT + "-", downloads.get(1).range());
        assertArrayEquals(WEIGHTS, Files.readAllBytes(pulled.snapshot().resolve("model.safetensors")));
        assertEquals(List.of("started config.json at 0 of " + CONFIG.length,
                "started model.safetensors at 0 of " + WEIGHTS.length, "broke model.safetensors at " + CUT,
                "started model.safetensors at " + CUT + " of " + WEIGHTS.length), heard);
    }

    @Test
    void aServerThatAnswersARangeWithTheWholeFileIsReadFromTheStart() throws IOException {
        hub.cutDownloads(1, CUT);
        hub.ignoreRange();

        HubModels.Pulled pulled = models().pull(REPO, "main", TransferListener.NONE);

        List<FakeHub.Request> downloads = hub.requests("GET", "/cdn/");
        assertEquals("bytes=" + CUT + "-", downloads.get(downloads.size() - 1).range(), hub.log());
        assertArrayEquals(WEIGHTS, Files.readAllBytes(pulled.snapshot().resolve("model.safetensors")));
    }

    @Test
    void aDownloadThatKeepsBreakingFailsAndTheNextPullResumesIt() throws IOException {
        hub.cutDownloads(5, CUT);

        HubException error = assertThrows(HubException.class,
                () -> models().pull(REPO, "main", TransferListener.NONE));

        assertTrue(error.getMessage().contains("broke off 5 times"), error.getMessage());
        assertTrue(error.getMessage().contains("run the same command again to resume"), error.getMessage());
        Path partial = dir.resolve("hf/hub/models--collapse-lab--tiny-gpt2/blobs")
                .resolve(FakeHub.sha256(WEIGHTS) + ".incomplete");
        assertArrayEquals(Arrays.copyOf(WEIGHTS, 5 * CUT), Files.readAllBytes(partial));

        HubModels.Pulled pulled = models().pull(REPO, "main", TransferListener.NONE);

        List<FakeHub.Request> downloads = hub.requests("GET", "/cdn/");
        assertEquals("bytes=" + 5 * CUT + "-", downloads.get(downloads.size() - 1).range(), hub.log());
        assertArrayEquals(WEIGHTS, Files.readAllBytes(pulled.snapshot().resolve("model.safetensors")));
        assertFalse(Files.exists(partial));
    }

    @Test
    void aFileThatDoesNotMatchTheAnnouncedDigestIsDeletedAndBothDigestsAreNamed() throws IOException {
        byte[] other = FakeHub.safetensors(SHAPES, 8);
        hub.corruptWeights(REPO, other);

        HubException error = assertThrows(HubException.class,
                () -> models().pull(REPO, "main", TransferListener.NONE));

        assertTrue(error.getMessage().contains(FakeHub.sha256(WEIGHTS)), error.getMessage());
        assertTrue(error.getMessage().contains(FakeHub.sha256(other)), error.getMessage());
        Path repoDir = dir.resolve("hf/hub/models--collapse-lab--tiny-gpt2");
        try (var blobs = Files.list(repoDir.resolve("blobs"))) {
            assertEquals(List.of(repoDir.resolve("blobs").resolve(FakeHub.gitBlobId(CONFIG))), blobs.toList());
        }
        assertFalse(Files.exists(repoDir.resolve("refs/main")));
    }

    @Test
    void theTokenGoesToTheHubAndNotToTheCdn() {
        hub.requireToken(TOKEN);
        environment.put("HF_TOKEN", TOKEN);

        models().pull(REPO, "main", TransferListener.NONE);

        List<FakeHub.Request> resolves = hub.requests("HEAD", "/" + REPO + "/resolve/");
        assertEquals(2, resolves.size(), hub.log());
        assertTrue(resolves.stream().allMatch(r -> ("Bearer " + TOKEN).equals(r.authorization())), hub.log());
        List<FakeHub.Request> configDownloads = hub.requests("GET", "/" + REPO + "/resolve/");
        assertEquals(1, configDownloads.size(), hub.log());
        assertEquals("Bearer " + TOKEN, configDownloads.get(0).authorization());
        List<FakeHub.Request> downloads = hub.requests("GET", "/cdn/");
        assertEquals(1, downloads.size(), hub.log());
        assertNull(downloads.get(0).authorization());
        assertFalse(models().settings().toString().contains(TOKEN));
    }

    @Test
    void aPrivateModelWithoutTheTokenIsNotFoundAndTheErrorSaysToSetIt() {
        hub.requireToken(TOKEN);

        UsageError error = assertThrows(UsageError.class, () -> models().pull(REPO, "main", TransferListener.NONE));

        assertEquals("there is no model '" + REPO + "' on " + hub.endpoint() + ": check the id (for example gpt2 or"
                + " openai-community/gpt2), or set $HF_TOKEN if it is private", error.getMessage());
    }

    @Test
    void anUnknownRevisionIsNamed() {
        UsageError error = assertThrows(UsageError.class, () -> models().pull(REPO, "v9", TransferListener.NONE));

        assertTrue(error.getMessage().contains("has no revision 'v9'"), error.getMessage());
    }

    @Test
    void anUnreachableHubIsOneLineNamingIt() throws IOException {
        String unreachable = FakeHub.unreachableEndpoint();
        environment.put("HF_ENDPOINT", unreachable);

        UsageError error = assertThrows(UsageError.class, () -> models().pull(REPO, "main", TransferListener.NONE));

        assertTrue(error.getMessage().startsWith("cannot reach the Hugging Face Hub at " + unreachable + " ("),
                error.getMessage());
        assertFalse(error.getMessage().contains("\n"));
    }

    @Test
    void anUnreachableHubMentionsTheCopyAnEarlierPullLeft() throws IOException {
        models().pull(REPO, "main", TransferListener.NONE);
        hub.close();

        UsageError error = assertThrows(UsageError.class, () -> models().pull(REPO, "main", TransferListener.NONE));

        assertTrue(error.getMessage().endsWith("; the cache has " + REPO + " at main from an earlier pull (commit "
                + FakeHub.commitOf(REPO).substring(0, 8) + ")"), error.getMessage());
    }

    @Test
    void resolveTakesADirectoryAsItIs() throws IOException {
        Path model = Files.createDirectories(dir.resolve("my-model"));
        Files.write(model.resolve("config.json"), CONFIG);
        Files.write(model.resolve("model.safetensors"), WEIGHTS);

        assertEquals(model, models().resolve(model.toString()));
    }

    @Test
    void resolveOfADirectoryWithoutWeightsNamesWhatIsMissing() throws IOException {
        Path model = Files.createDirectories(dir.resolve("half-model"));
        Files.write(model.resolve("config.json"), CONFIG);

        UsageError error = assertThrows(UsageError.class, () -> models().resolve(model.toString()));

        assertEquals("directory " + model + " has no model.safetensors; a model directory holds config.json and"
                + " model.safetensors", error.getMessage());
    }

    @Test
    void resolveFindsAPulledModelOffline() throws IOException {
        HubModels.Pulled pulled = models().pull(REPO, "main", TransferListener.NONE);
        hub.close();

        assertEquals(pulled.snapshot(), models().resolve(REPO));
    }

    @Test
    void resolveOfAModelNeverPulledNamesThePullCommandAndWhereItGoes() {
        UsageError error = assertThrows(UsageError.class, () -> models().resolve("gpt2-medium"));

        assertEquals("model gpt2-medium at main is not in the cache: run `collapse models pull gpt2-medium`, which"
                + " puts it in " + dir.resolve("hf/hub/models--gpt2-medium"), error.getMessage());
        assertTrue(hub.requests().isEmpty(), "resolve never asks the hub");
    }

    @Test
    void resolveOfSomethingThatIsNeitherSaysSo() {
        UsageError error = assertThrows(UsageError.class, () -> models().resolve("no such/dir/here"));

        assertTrue(error.getMessage().contains("is neither a directory nor a hub model id"), error.getMessage());
    }

    @Test
    void listShowsWhatWasPulledWithItsParameters() {
        models().pull(REPO, "main", TransferListener.NONE);

        List<HubModels.Cached> cached = models().list();

        assertEquals(List.of(new HubModels.Cached(new RepoId(REPO), List.of("main"), FakeHub.commitOf(REPO),
                CONFIG.length + WEIGHTS.length, OptionalLong.of(expectedParameters()), Optional.empty())),
                cached);
    }

    @Test
    void aModelThePythonClientDownloadedIsListedResolvedAndNotDownloadedAgain() throws IOException {
        String commit = FakeHub.commitOf("gpt2");
        Path repoDir = dir.resolve("hf/hub/models--gpt2");
        Path blobs = Files.createDirectories(repoDir.resolve("blobs"));
        Path snapshot = Files.createDirectories(repoDir.resolve("snapshots").resolve(commit));
        Files.write(blobs.resolve(FakeHub.gitBlobId(CONFIG)), CONFIG);
        Files.write(blobs.resolve(FakeHub.sha256(WEIGHTS)), WEIGHTS);
        Files.createSymbolicLink(snapshot.resolve("config.json"),
                Path.of("../../blobs", FakeHub.gitBlobId(CONFIG)));
        Files.createSymbolicLink(snapshot.resolve("model.safetensors"),
                Path.of("../../blobs", FakeHub.sha256(WEIGHTS)));
        Files.createDirectories(repoDir.resolve("refs"));
        Files.writeString(repoDir.resolve("refs/main"), commit);
        hub.addModel("gpt2", CONFIG, WEIGHTS);

        assertEquals(snapshot, models().resolve("gpt2"));
        assertEquals(OptionalLong.of(expectedParameters()), models().list().get(0).parameters());
        HubModels.Pulled pulled = models().pull("gpt2", "main", TransferListener.NONE);
        assertTrue(pulled.files().stream().noneMatch(HubModels.PulledFile::downloaded), pulled.toString());
        assertTrue(hub.requests("GET", "/").isEmpty(), hub.log());
    }

    /** The test's own count of what {@link #SHAPES} holds, the causal mask left out as a buffer. */
    private static long expectedParameters() {
        return SHAPES.entrySet().stream().filter(e -> !e.getKey().endsWith(".attn.bias"))
                .mapToLong(e -> FakeHub.elements(e.getValue())).sum();
    }

    private HubModels models() {
        return new HubModels(HubSettings.from(environment::get), Duration.ZERO);
    }

    private static Map<String, int[]> shapes() {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("wte.weight", new int[] {64, 16});
        shapes.put("wpe.weight", new int[] {32, 16});
        shapes.put("h.0.attn.c_attn.weight", new int[] {16, 48});
        shapes.put("h.0.attn.c_attn.bias", new int[] {48});
        shapes.put("h.0.attn.bias", new int[] {1, 1, 32, 32});
        shapes.put("ln_f.weight", new int[] {16});
        return shapes;
    }
}
