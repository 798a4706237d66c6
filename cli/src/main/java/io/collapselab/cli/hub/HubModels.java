package io.collapselab.cli.hub;

import io.collapselab.cli.UsageError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * GPT-2-architecture models from the Hugging Face Hub, kept in the hub's own cache ({@link HubCache}) so that what
 * Python's tools downloaded is used as it is and the other way round: {@link #pull} downloads a model's
 * {@value #CONFIG} and {@value #WEIGHTS}, {@link #list} says what is cached, and {@link #resolve} finds the directory
 * of a model, by path or by hub id, for the commands that start from one.
 */
public final class HubModels {

    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final List<String> FILES = List.of(CONFIG, WEIGHTS);
    public static final String DEFAULT_REVISION = "main";

    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*");
    private static final int SHORT_COMMIT = 8;

    private final HubSettings settings;
    private final HubCache cache;
    private final Duration retryDelay;

    /** {@code retryDelay}: the pause before retrying a download that broke off, longer with each retry. */
    public HubModels(HubSettings settings, Duration retryDelay) {
        this.settings = settings;
        this.cache = new HubCache(settings.cacheDir());
        this.retryDelay = retryDelay;
    }

    /** The models of the hub and cache an environment names ({@link HubSettings#from}). */
    public static HubModels fromEnvironment(Function<String, String> environment) {
        return new HubModels(HubSettings.from(environment), RETRY_DELAY);
    }

    public HubSettings settings() {
        return settings;
    }

    /** What {@link #pull} did: where the model now is, and which of its files it had to download. */
    public record Pulled(RepoId repo, String revision, String commit, Path snapshot, List<PulledFile> files) {
    }

    /** One file of a pull, {@code size} in bytes; {@code downloaded} false when the cache already had it. */
    public record PulledFile(String name, long size, boolean downloaded) {
    }

    /**
     * One cached commit of a model.
     *
     * @param revisions  the revisions whose ref names this commit; empty for a snapshot no ref points to
     * @param bytes      what the snapshot's files take
     * @param parameters the weights in its {@value #WEIGHTS}, when it has a readable one
     * @param problem    why the snapshot cannot be used as it is, if it cannot
     */
    public record Cached(RepoId repo, List<String> revisions, String commit, long bytes, OptionalLong parameters,
                         Optional<String> problem) {

        public String shortCommit() {
            return HubModels.shortCommit(commit);
        }
    }

    /**
     * The local directory holding {@value #CONFIG} and {@value #WEIGHTS}: {@code repoOrDir} itself when it is a
     * directory, else the cached snapshot of that hub model at its {@value #DEFAULT_REVISION} ref. Anything missing
     * is a {@link UsageError} that names the {@code collapse models pull} command and where it puts the files. Never
     * touches the network.
     */
    public Path resolve(String repoOrDir) {
        Optional<Path> dir = directory(repoOrDir);
        if (dir.isPresent()) {
            List<String> missing = missingFiles(dir.get());
            if (!missing.isEmpty()) {
                throw new UsageError("directory " + dir.get() + " has no " + String.join(" or ", missing) + "; a"
                        + " model directory holds " + CONFIG + " and " + WEIGHTS);
            }
            return dir.get();
        }
        RepoId repo = RepoId.parse(repoOrDir).orElseThrow(() -> new UsageError("'" + repoOrDir + "' is neither a"
                + " directory nor a hub model id (NAME or ORG/NAME, for example gpt2 or openai-community/gpt2)"));
        Optional<String> commit = readRef(repo, DEFAULT_REVISION);
        String pull = "run `collapse models pull " + repo + "`, which puts it in " + cache.repoDir(repo);
        if (commit.isEmpty()) {
            throw new UsageError("model " + repo + " at " + DEFAULT_REVISION + " is not in the cache: " + pull);
        }
        Path snapshot = cache.snapshot(repo, commit.get());
        List<String> missing = missingFiles(snapshot);
        if (!missing.isEmpty()) {
            throw new UsageError("model " + repo + " at " + DEFAULT_REVISION + " (commit " + shortCommit(commit.get())
                    + ") lacks " + String.join(" and ", missing) + " in the cache: " + pull);
        }
        return snapshot;
    }

    /**
     * Downloads what the cache lacks of {@code repo} at {@code revision} (a branch, tag or commit id), verifies it
     * against the digests the hub announces and records the commit the revision is at. An unreachable hub and
     * anything the hub refuses (unknown model, revision or file, no access) are {@link UsageError}s; a download
     * that fails for good or does not match its digest is a {@link HubException}.
     */
    public Pulled pull(String repoId, String revision, TransferListener listener) {
        RepoId repo = RepoId.parse(repoId).orElseThrow(() -> new UsageError("'" + repoId + "' is not a hub model"
                + " id: expected NAME or ORG/NAME (for example gpt2 or openai-community/gpt2)"));
        if (!REVISION.matcher(revision).matches() || revision.contains("..")) {
            throw new UsageError("'" + revision + "' is not a revision: expected a branch, tag or commit id such as"
                    + " main");
        }
        HubClient client = new HubClient(settings, retryDelay);
        String commit = null;
        List<PulledFile> files = new ArrayList<>();
        for (String name : FILES) {
            RemoteFile remote;
            try {
                // Once the revision is resolved, the rest comes from its commit: a branch moving meanwhile would
                // otherwise mix two commits in one snapshot.
                remote = client.describe(repo, commit == null ? revision : commit, name);
            } catch (HubClient.UnreachableException e) {
                throw new UsageError(e.getMessage() + cachedCopy(repo, revision));
            }
            commit = commit == null ? remote.commit() : commit;
            Path blob = cache.blob(repo, remote.etag());
            boolean download = !isCached(blob, remote);
            if (download) {
                fetch(client, repo, remote, blob, listener);
            }
            files.add(new PulledFile(name, size(blob), download));
            addToSnapshot(repo, commit, name, blob);
        }
        if (!revision.equals(commit)) {
            try {
                cache.writeRef(repo, revision, commit);
            } catch (IOException e) {
                throw HubClient.cacheProblem(cache.repoDir(repo).resolve("refs"), e);
            }
        }
        return new Pulled(repo, revision, commit, cache.snapshot(repo, commit), List.copyOf(files));
    }

    /** Every cached commit of every model in the cache, models in the order of their ids. */
    public List<Cached> list() {
        List<Cached> cached = new ArrayList<>();
        try {
            for (RepoId repo : cache.repos()) {
                Map<String, List<String>> revisionsByCommit = new LinkedHashMap<>();
                cache.refs(repo).forEach((revision, commit) ->
                        revisionsByCommit.computeIfAbsent(commit, c -> new ArrayList<>()).add(revision));
                for (String commit : cache.snapshots(repo)) {
                    revisionsByCommit.putIfAbsent(commit, List.of());
                }
                revisionsByCommit.forEach((commit, revisions) -> cached.add(cached(repo, commit, revisions)));
            }
        } catch (IOException e) {
            throw new HubException("cannot read the cache " + cache.dir() + " (" + HubClient.reason(e) + "); check"
                    + " $" + HubSettings.HOME_ENV, e);
        }
        return cached;
    }

    public Path cacheDir() {
        return cache.dir();
    }

    private Cached cached(RepoId repo, String commit, List<String> revisions) {
        Path snapshot = cache.snapshot(repo, commit);
        if (!Files.isDirectory(snapshot)) {
            return new Cached(repo, revisions, commit, 0, OptionalLong.empty(), Optional.of("no snapshot folder"));
        }
        long bytes;
        try {
            bytes = cache.snapshotSize(repo, commit);
        } catch (IOException e) {
            return new Cached(repo, revisions, commit, 0, OptionalLong.empty(), Optional.of(HubClient.reason(e)));
        }
        List<String> missing = missingFiles(snapshot);
        if (missing.contains(WEIGHTS)) {
            return new Cached(repo, revisions, commit, bytes, OptionalLong.empty(), Optional.of("no " + WEIGHTS));
        }
        OptionalLong parameters;
        try {
            parameters = OptionalLong.of(SafetensorsHeader.read(snapshot.resolve(WEIGHTS)).parameterCount());
        } catch (IOException | ArithmeticException e) {
            return new Cached(repo, revisions, commit, bytes, OptionalLong.empty(), Optional.of(
                    WEIGHTS + " unreadable: " + e.getMessage()));
        }
        return new Cached(repo, revisions, commit, bytes, parameters,
                missing.isEmpty() ? Optional.empty() : Optional.of("no " + String.join(", ", missing)));
    }

    /** Downloads {@code remote} into the blob it names, verified. */
    private void fetch(HubClient client, RepoId repo, RemoteFile remote, Path blob, TransferListener listener) {
        try {
            Files.createDirectories(blob.getParent());
        } catch (IOException e) {
            throw HubClient.cacheProblem(blob, e);
        }
        Path partial = cache.partial(repo, remote.etag());
        client.download(remote, partial, listener);
        try {
            verify(repo, remote, partial);
            Files.move(partial, blob, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw HubClient.cacheProblem(blob, e);
        }
    }

    private static long size(Path blob) {
        try {
            return Files.size(blob);
        } catch (IOException e) {
            throw HubClient.cacheProblem(blob, e);
        }
    }

    private static void verify(RepoId repo, RemoteFile remote, Path partial) throws IOException {
        if (remote.digest().isEmpty()) {
            return;
        }
        FileDigest expected = remote.digest().get();
        String actual = expected.hexOf(partial);
        if (!actual.equals(expected.hex())) {
            Files.delete(partial);
            throw new HubException(remote.name() + " of " + repo + " is corrupt: the hub announced "
                    + expected.algorithm().label() + " " + expected.hex() + ", the download has " + actual
                    + "; it was deleted, run the same command again");
        }
    }

    private static boolean isCached(Path blob, RemoteFile remote) {
        try {
            return Files.isRegularFile(blob) && (remote.size() < 0 || Files.size(blob) == remote.size());
        } catch (IOException e) {
            return false;
        }
    }

    private void addToSnapshot(RepoId repo, String commit, String name, Path blob) {
        try {
            cache.addToSnapshot(repo, commit, name, blob);
        } catch (IOException e) {
            throw HubClient.cacheProblem(cache.snapshot(repo, commit).resolve(name), e);
        }
    }

    /** Where an unreachable hub leaves the user: with the copy the cache has, if it has one. */
    private String cachedCopy(RepoId repo, String revision) {
        Optional<String> commit = readRef(repo, revision);
        if (commit.isEmpty() || !missingFiles(cache.snapshot(repo, commit.get())).isEmpty()) {
            return "";
        }
        return "; the cache has " + repo + " at " + revision + " from an earlier pull (commit "
                + shortCommit(commit.get()) + ")";
    }

    private Optional<String> readRef(RepoId repo, String revision) {
        try {
            return cache.ref(repo, revision);
        } catch (IOException e) {
            throw new HubException("cannot read the ref " + revision + " of " + repo + " in " + cache.repoDir(repo)
                    + " (" + HubClient.reason(e) + ")", e);
        }
    }

    private static Optional<Path> directory(String text) {
        try {
            Path path = Path.of(text);
            return Files.isDirectory(path) ? Optional.of(path) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static List<String> missingFiles(Path dir) {
        return FILES.stream().filter(file -> !Files.isRegularFile(dir.resolve(file))).toList();
    }

    static String shortCommit(String commit) {
        return commit.length() > SHORT_COMMIT ? commit.substring(0, SHORT_COMMIT) : commit;
    }
}
