package io.collapselab.cli.hub;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A model repository on the hub: {@code name} for the canonical models ({@code gpt2}, {@code distilgpt2}) or
 * {@code org/name}. The hub's own rules apply (letters, digits, {@code _ . -}, no {@code --} or {@code ..}), which
 * is what keeps the id usable as one folder name of the cache.
 */
public record RepoId(String id) {

    private static final String PART = "[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?";
    private static final Pattern VALID = Pattern.compile("(?:" + PART + "/)?" + PART);
    private static final int MAX_LENGTH = 96;
    private static final String CACHE_PREFIX = "models--";

    public RepoId {
        if (!isValid(id)) {
            throw new IllegalArgumentException("'" + id + "' is not a hub model id: expected NAME or ORG/NAME of"
                    + " letters, digits, '_', '.' and '-' (for example gpt2 or openai-community/gpt2)");
        }
    }

    /** The id when {@code text} is one, else empty. */
    public static Optional<RepoId> parse(String text) {
        return isValid(text) ? Optional.of(new RepoId(text)) : Optional.empty();
    }

    /** The repository a cache folder ({@code models--org--name}) holds, if it is one. */
    static Optional<RepoId> ofCacheFolder(String folderName) {
        if (!folderName.startsWith(CACHE_PREFIX)) {
            return Optional.empty();
        }
        return parse(folderName.substring(CACHE_PREFIX.length()).replace("--", "/"));
    }

    /** The folder of this repository in the hub's cache, as the hub's Python client names it. */
    String cacheFolder() {
        return CACHE_PREFIX + id.replace("/", "--");
    }

    private static boolean isValid(String text) {
        return text != null && text.length() <= MAX_LENGTH && VALID.matcher(text).matches()
                && !text.contains("--") && !text.contains("..") && !text.endsWith(".git");
    }

    @Override
    public String toString() {
        return id;
    }
}
