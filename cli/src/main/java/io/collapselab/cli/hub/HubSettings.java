package io.collapselab.cli.hub;

import io.collapselab.cli.UsageError;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the hub is, how to sign in, and where its cache lies, from the variables the hub's own Python client reads,
 * so that both share one cache: {@code HF_ENDPOINT}, {@code HF_TOKEN}, and {@code HF_HUB_CACHE}, else
 * {@code HF_HOME/hub}, else {@code XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub}.
 * {@link #toString()} leaves the token out.
 */
public record HubSettings(URI endpoint, Optional<String> token, Path cacheDir) {

    public static final String ENDPOINT_ENV = "HF_ENDPOINT";
    public static final String TOKEN_ENV = "HF_TOKEN";
    public static final String HOME_ENV = "HF_HOME";
    public static final String HUB_CACHE_ENV = "HF_HUB_CACHE";
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    private static final String XDG_CACHE_ENV = "XDG_CACHE_HOME";

    /** The settings of an environment; a {@link UsageError} when {@code HF_ENDPOINT} is not an http(s) URL. */
    public static HubSettings from(Function<String, String> environment) {
        URI endpoint = endpoint(variable(environment, ENDPOINT_ENV).orElse(DEFAULT_ENDPOINT));
        Path cacheDir = variable(environment, HUB_CACHE_ENV).map(Path::of)
                .or(() -> variable(environment, HOME_ENV).map(home -> Path.of(home, "hub")))
                .or(() -> variable(environment, XDG_CACHE_ENV).map(cache -> Path.of(cache, "huggingface", "hub")))
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub"));
        return new HubSettings(endpoint, variable(environment, TOKEN_ENV), cacheDir);
    }

    /** Whether a request to {@code uri} may carry the token: only the hub itself gets it, never a CDN. */
    boolean isHub(URI uri) {
        return endpoint.getScheme().equalsIgnoreCase(uri.getScheme())
                && endpoint.getHost().equalsIgnoreCase(uri.getHost()) && port(endpoint) == port(uri);
    }

    @Override
    public String toString() {
        return "HubSettings[endpoint=" + endpoint + ", token=" + (token.isPresent() ? "(set)" : "(none)")
                + ", cacheDir=" + cacheDir + "]";
    }

    private static URI endpoint(String text) {
        String trimmed = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        try {
            URI uri = new URI(trimmed);
            if (("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null && uri.getQuery() == null && uri.getFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, with what to set instead
        }
        throw new UsageError("$" + ENDPOINT_ENV + " '" + text + "' is not an http(s) URL of a hub; unset it for "
                + DEFAULT_ENDPOINT + " or set it to a mirror such as https://hf-mirror.example");
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static Optional<String> variable(Function<String, String> environment, String name) {
        String value = environment.apply(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
