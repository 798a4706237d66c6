package io.collapselab.cli.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RepoIdTest {

    @Test
    void canonicalAndOrganisationIdsNameTheirCacheFolders() {
        assertEquals("models--gpt2", new RepoId("gpt2").cacheFolder());
        assertEquals("models--openai-community--gpt2-medium", new RepoId("openai-community/gpt2-medium").cacheFolder());
        assertEquals(Optional.of(new RepoId("openai-community/gpt2-medium")),
                RepoId.ofCacheFolder("models--openai-community--gpt2-medium"));
        assertEquals(Optional.of(new RepoId("distilgpt2")), RepoId.ofCacheFolder("models--distilgpt2"));
    }

    @Test
    void foldersOfOtherKindsAreNoModels() {
        assertEquals(Optional.empty(), RepoId.ofCacheFolder("datasets--wikitext"));
        assertEquals(Optional.empty(), RepoId.ofCacheFolder(".locks"));
    }

    @Test
    void idsOutsideTheHubsRulesAreRefused() {
        for (String id : new String[] {"", "a/b/c", "../gpt2", "gpt2/", "/gpt2", "a--b", "a..b", "gpt 2", "x.git",
                "-gpt2", "a".repeat(97)}) {
            assertEquals(Optional.empty(), RepoId.parse(id), id);
        }
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new RepoId("a/b/c"));
        assertTrue(error.getMessage().contains("NAME or ORG/NAME"), error.getMessage());
    }
}
