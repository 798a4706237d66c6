package io.collapselab.cli.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.cli.UsageError;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HubSettingsTest {

    private final Map<String, String> environment = new HashMap<>();

    @Test
    void withNothingSetTheRealHubAndTheUsersCacheAreUsed() {
        HubSettings settings = HubSettings.from(environment::get);

        assertEquals(URI.create("https://huggingface.co"), settings.endpoint());
        assertEquals(Optional.empty(), settings.token());
        assertEquals(Path.of(System.getProperty("user.home"), ".cache/huggingface/hub"), settings.cacheDir());
    }

    @Test
    void theCacheIsFoundAsThePythonClientFindsIt() {
        environment.put("XDG_CACHE_HOME", "/xdg");
        assertEquals(Path.of("/xdg/huggingface/hub"), HubSettings.from(environment::get).cacheDir());
        environment.put("HF_HOME", "/hf-home");
        assertEquals(Path.of("/hf-home/hub"), HubSettings.from(environment::get).cacheDir());
        environment.put("HF_HUB_CACHE", "/hub-cache");
        assertEquals(Path.of("/hub-cache"), HubSettings.from(environment::get).cacheDir());
    }

    @Test
    void aMirrorLosesItsTrailingSlashAndANonUrlIsRefused() {
        environment.put("HF_ENDPOINT", "https://mirror.example/hf/");
        assertEquals(URI.create("https://mirror.example/hf"), HubSettings.from(environment::get).endpoint());

        environment.put("HF_ENDPOINT", "mirror.example");
        UsageError error = assertThrows(UsageError.class, () -> HubSettings.from(environment::get));
        assertTrue(error.getMessage().startsWith("$HF_ENDPOINT 'mirror.example' is not an http(s) URL"),
                error.getMessage());
    }

    @Test
    void theTokenIsForTheHubAloneAndNotInTheSettingsText() {
        environment.put("HF_ENDPOINT", "https://huggingface.co");
        environment.put("HF_TOKEN", "hf_secret");
        HubSettings settings = HubSettings.from(environment::get);

        assertEquals(Optional.of("hf_secret"), settings.token());
        assertTrue(settings.isHub(URI.create("https://huggingface.co:443/gpt2/resolve/main/config.json")));
        assertFalse(settings.isHub(URI.create("https://cdn-lfs.huggingface.co/repos/ab/cd")));
        assertFalse(settings.isHub(URI.create("http://huggingface.co/gpt2")));
        assertFalse(settings.toString().contains("hf_secret"), settings.toString());
    }
}
