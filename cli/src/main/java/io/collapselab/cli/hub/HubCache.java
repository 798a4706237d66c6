package io.collapselab.cli.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The hub's cache directory as its Python client lays it out, so that either finds what the other downloaded:
 * <pre>
 * models--{org}--{name}/blobs/{etag}                 the content, named by its SHA-256 (LFS) or git blob id
 * models--{org}--{name}/blobs/{etag}.incomplete      a download in progress, resumed from where it stopped
 * models--{org}--{name}/snapshots/{commit}/{file}    a relative link to the blob (a copy where links fail)
 * models--{org}--{name}/refs/{revision}              the commit the revision was at when last pulled
 * </pre>
 */
final class HubCache {

    private static final String INCOMPLETE_SUFFIX = ".incomplete";

    private final Path dir;

    HubCache(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path repoDir(RepoId repo) {
        return dir.resolve(repo.cacheFolder());
    }

    Path blob(RepoId repo, String etag) {
        return repoDir(repo).resolve("blobs").resolve(etag);
    }

    Path partial(RepoId repo, String etag) {
        return repoDir(repo).resolve("blobs").resolve(etag + INCOMPLETE_SUFFIX);
    }

    Path snapshot(RepoId repo, String commit) {
        return repoDir(repo).resolve("snapshots").resolve(commit);
    }

    /** The commit {@code revision} was at when it was last pulled, by this tool or by Python's. */
    Optional<String> ref(RepoId repo, String revision) throws IOException {
        Path ref = repoDir(repo).resolve("refs").resolve(revision);
        if (!Files.isRegularFile(ref)) {
            return Optional.empty();
        }
        String commit = Files.readString(ref, StandardCharsets.US_ASCII).strip();
        return commit.isEmpty() ? Optional.empty() : Optional.of(commit);
    }

    void writeRef(RepoId repo, String revision, String commit) throws IOException {
        Path ref = repoDir(repo).resolve("refs").resolve(revision);
        Files.createDirectories(ref.getParent());
        Path written = Files.writeString(ref.resolveSibling(ref.getFileName() + ".tmp"), commit,
                StandardCharsets.US_ASCII);
        Files.move(written, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Puts {@code blob} into the snapshot of {@code commit} as {@code file}: a relative link, else a copy. */
    void addToSnapshot(RepoId repo, String commit, String file, Path blob) throws IOException {
        Path entry = snapshot(repo, commit).resolve(file);
        Files.createDirectories(entry.getParent());
        Files.deleteIfExists(entry);
        try {
            Files.createSymbolicLink(entry, entry.getParent().relativize(blob));
        } catch (UnsupportedOperationException | FileSystemException e) {
            // File systems without links, and Windows without the right to make them, still get a usable snapshot.
            Files.copy(blob, entry, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The repositories that have a folder in the cache, in order of their ids. */
    List<RepoId> repos() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> folders = Files.list(dir)) {
            return folders.filter(Files::isDirectory)
                    .flatMap(folder -> RepoId.ofCacheFolder(folder.getFileName().toString()).stream())
                    .sorted(Comparator.comparing(RepoId::id))
                    .toList();
        }
    }

    /** Every revision with a ref, with the commit it names. */
    SortedMap<String, String> refs(RepoId repo) throws IOException {
        Path refs = repoDir(repo).resolve("refs");
        SortedMap<String, String> commits = new TreeMap<>();
        if (!Files.isDirectory(refs)) {
            return commits;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(refs)) {
            files = walk.filter(Files::isRegularFile).filter(file -> !file.toString().endsWith(".tmp")).toList();
        }
        for (Path file : files) {
            String revision = refs.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            ref(repo, revision).ifPresent(commit -> commits.put(revision, commit));
        }
        return commits;
    }

    /** The commits that have a snapshot folder. */
    List<String> snapshots(RepoId repo) throws IOException {
        Path snapshots = repoDir(repo).resolve("snapshots");
        if (!Files.isDirectory(snapshots)) {
            return List.of();
        }
        try (Stream<Path> folders = Files.list(snapshots)) {
            return folders.filter(Files::isDirectory).map(folder -> folder.getFileName().toString()).sorted()
                    .toList();
        }
    }

    /** Bytes of the files a snapshot holds, through its links. */
    long snapshotSize(RepoId repo, String commit) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(snapshot(repo, commit))) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        long bytes = 0;
        for (Path file : files) {
            bytes += Files.size(file);
        }
        return bytes;
    }
}
