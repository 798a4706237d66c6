package io.collapselab.cli.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDigestTest {

    @TempDir
    Path dir;

    @Test
    void etagsLoseTheirWeakPrefixAndQuotes() {
        assertEquals("abc", FileDigest.unquote("W/\"abc\""));
        assertEquals("abc", FileDigest.unquote("\"abc\""));
        assertEquals("abc", FileDigest.unquote(" abc "));
    }

    @Test
    void aGitBlobIdIsTheSha1OfTheBlobHeaderAndTheContent() throws IOException {
        Path file = Files.writeString(dir.resolve("hello"), "hello\n", StandardCharsets.US_ASCII);
        // `git hash-object` of "hello\n", a value git itself prints.
        FileDigest digest = FileDigest.ofEtag("ce013625030ba8dba906f756967f9e9ca394464a").orElseThrow();

        assertEquals(FileDigest.Algorithm.GIT_BLOB_SHA1, digest.algorithm());
        assertEquals(digest.hex(), digest.hexOf(file));
    }

    @Test
    void aLinkedEtagIsTheSha256OfTheContent() throws IOException {
        byte[] content = "weights".getBytes(StandardCharsets.US_ASCII);
        Path file = Files.write(dir.resolve("weights"), content);
        String sha = FakeHub.sha256(content);

        FileDigest digest = FileDigest.ofLinkedEtag(sha.toUpperCase()).orElseThrow();

        assertEquals(new FileDigest(FileDigest.Algorithm.SHA256, sha), digest);
        assertEquals(sha, digest.hexOf(file));
    }

    @Test
    void opaqueTagsAnnounceNoDigest() {
        assertEquals(Optional.empty(), FileDigest.ofEtag("abc-123"));
        assertEquals(Optional.empty(), FileDigest.ofLinkedEtag("ce013625030ba8dba906f756967f9e9ca394464a"));
    }
}
