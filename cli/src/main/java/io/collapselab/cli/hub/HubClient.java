package io.collapselab.cli.hub;

import io.collapselab.cli.UsageError;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hub's HTTP side: what a file of a revision is ({@code HEAD} of {@code /{repo}/resolve/{revision}/{file}}) and
 * its content, resumed with {@code Range} where an earlier download broke off.
 *
 * <p>Redirects are followed here rather than by the HTTP client: the hub answers an LFS file's resolve URL with a
 * redirect to a CDN whose own response lacks what only the redirect carries ({@code X-Linked-Etag},
 * {@code X-Linked-Size}, {@code X-Repo-Commit}), and the token goes to the hub alone, never to the CDN.
 */
final class HubClient {

    static final String COMMIT_HEADER = "X-Repo-Commit";
    static final String LINKED_ETAG_HEADER = "X-Linked-Etag";
    static final String LINKED_SIZE_HEADER = "X-Linked-Size";
    static final String ERROR_CODE_HEADER = "X-Error-Code";

    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_ATTEMPTS = 5;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern BLOB_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(?:\\d+|\\*)");
    private static final int BUFFER_BYTES = 1 << 16;

    private final HubSettings settings;
    private final Duration retryDelay;
    private final HttpClient http;

    /** {@code retryDelay}: the pause before the second attempt at a broken download, longer by as much each time. */
    HubClient(HubSettings settings, Duration retryDelay) {
        this.settings = settings;
        this.retryDelay = retryDelay;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    /** The hub did not answer at all: no network, a wrong {@code HF_ENDPOINT}, a hub that is down. */
    static final class UnreachableException extends Exception {

        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * What {@code file} of {@code repo} at {@code revision} is. A refusal (no such model, revision or file, no
     * access) is a {@link UsageError}, any other error status a {@link HubException}.
     */
    RemoteFile describe(RepoId repo, String revision, String file) throws UnreachableException {
        URI uri = resolveUri(repo, revision, file);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<Void> response;
            try {
                response = send(request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                throw new UnreachableException("cannot reach the Hugging Face Hub at " + settings.endpoint() + " ("
                        + reason(e) + "): check the network connection, or $" + HubSettings.ENDPOINT_ENV, e);
            }
            int status = response.statusCode();
            boolean redirect = isRedirect(status);
            // Only the redirect of an LFS file to its CDN carries the file's metadata; any other is the hub's own,
            // such as that of a renamed repository to its new name, and leads to the answer that does.
            if (redirect && header(response, LINKED_ETAG_HEADER).isEmpty()) {
                uri = location(uri, response);
                continue;
            }
            if (status / 100 == 2 || redirect) {
                return remoteFile(file, response, redirect ? location(uri, response) : uri);
            }
            throw refusal(status, header(response, ERROR_CODE_HEADER).orElse(""), repo, revision, file);
        }
        throw new HubException("the hub at " + settings.endpoint() + " redirected " + file + " of " + repo
                + " more than " + MAX_REDIRECTS + " times; check $" + HubSettings.ENDPOINT_ENV);
    }

    /**
     * The content of {@code file} into {@code partial}, continuing from what an earlier attempt left there. A
     * broken connection is retried, each time from where it broke; a {@link HubException} when it keeps breaking.
     */
    void download(RemoteFile file, Path partial, TransferListener listener) {
        IOException lastBreak = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            long have = partialSize(file, partial);
            if (have > 0 && have == file.size()) {
                return; // complete already: an earlier run stopped between the download and the verification
            }
            try {
                if (transfer(file, partial, have, listener)) {
                    return;
                }
            } catch (IOException e) {
                lastBreak = e;
                listener.broke(file.name(), partialSize(file, partial), reason(e));
            }
            if (attempt < MAX_ATTEMPTS) {
                pause(retryDelay.multipliedBy(attempt));
            }
        }
        long have = partialSize(file, partial);
        throw new HubException("the download of " + file.name() + " broke off " + MAX_ATTEMPTS + " times, the"
                + " last time after " + ByteSizes.of(have) + (file.size() >= 0 ? " of " + ByteSizes.of(file.size())
                : "") + " (" + (lastBreak == null ? "the server sent another part than asked for" : reason(lastBreak))
                + "); run the same command again to resume from there", lastBreak);
    }

    /** One request for the rest of the file; false when what is already there has to be thrown away first. */
    private boolean transfer(RemoteFile file, Path partial, long have, TransferListener listener) throws IOException {
        HttpResponse<InputStream> response = get(file.download(), have);
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            boolean resumed = status == 206 && have > 0 && rangeStart(response).equals(OptionalLong.of(have));
            if (status == 206 && !resumed || status == 416 && have > 0) {
                // The partial file is no prefix of what the server has; only a fresh start helps.
                deletePartial(partial);
                return false;
            }
            if (status != 200 && !resumed) {
                throw new HubException("the download server answered HTTP " + status + " for " + file.name()
                        + " (" + file.download().getHost() + "); run the same command again, it asks the hub anew");
            }
            long done = resumed ? have : 0;
            long total = file.size() >= 0 ? file.size() : contentLength(response).stream().map(n -> done + n)
                    .findFirst().orElse(-1L);
            listener.started(file.name(), done, total);
            long written = copy(body, partial, resumed, done, total, file.name(), listener);
            listener.finished(file.name(), written);
            return true;
        }
    }

    private long copy(InputStream body, Path partial, boolean append, long done, long total, String name,
                      TransferListener listener) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        long written = done;
        try (OutputStream out = openPartial(partial, append)) {
            for (int n = body.read(buffer); n != -1; n = body.read(buffer)) {
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    throw cacheProblem(partial, e);
                }
                written += n;
                listener.transferred(name, written, total);
            }
        }
        return written;
    }

    private HttpResponse<InputStream> get(URI start, long offset) throws IOException {
        URI uri = start;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = request(uri).GET();
            if (offset > 0) {
                request.header("Range", "bytes=" + offset + "-");
            }
            HttpResponse<InputStream> response = send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (!isRedirect(response.statusCode())) {
                return response;
            }
            response.body().close();
            uri = location(uri, response);
        }
        throw new HubException("the download of " + start.getPath() + " was redirected more than " + MAX_REDIRECTS
                + " times; check $" + HubSettings.ENDPOINT_ENV);
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(RESPONSE_TIMEOUT);
        if (settings.isHub(uri)) {
            settings.token().ifPresent(token -> request.header("Authorization", "Bearer " + token));
        }
        return request;
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) throws IOException {
        try {
            return http.send(request, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted while talking to " + request.uri().getHost(), e);
        }
    }

    private URI resolveUri(RepoId repo, String revision, String file) {
        return URI.create(settings.endpoint() + "/" + repo.id() + "/resolve/"
                + URLEncoder.encode(revision, StandardCharsets.UTF_8) + "/" + file);
    }

    private RemoteFile remoteFile(String file, HttpResponse<?> response, URI download) {
        String commit = header(response, COMMIT_HEADER).orElseThrow(() -> notAHub(file, COMMIT_HEADER));
        if (!COMMIT.matcher(commit).matches()) {
            throw new HubException("the hub at " + settings.endpoint() + " named commit '" + commit + "' for "
                    + file + ", which is no git commit id; check $" + HubSettings.ENDPOINT_ENV);
        }
        Optional<String> linked = header(response, LINKED_ETAG_HEADER).map(FileDigest::unquote);
        String etag = linked.or(() -> header(response, "ETag").map(FileDigest::unquote))
                .orElseThrow(() -> notAHub(file, "ETag"));
        if (!BLOB_NAME.matcher(etag).matches()) {
            throw new HubException("the hub at " + settings.endpoint() + " sent ETag '" + etag + "' for " + file
                    + ", which cannot name a file of the cache; check $" + HubSettings.ENDPOINT_ENV);
        }
        Optional<FileDigest> digest = linked.isPresent() ? FileDigest.ofLinkedEtag(etag) : FileDigest.ofEtag(etag);
        if (linked.isPresent() && digest.isEmpty()) {
            throw new HubException("the hub at " + settings.endpoint() + " announced " + LINKED_ETAG_HEADER + " '"
                    + etag + "' for " + file + ", which is no SHA-256; check $" + HubSettings.ENDPOINT_ENV);
        }
        OptionalLong size = header(response, LINKED_SIZE_HEADER).map(HubClient::parseSize).orElse(
                response.statusCode() == 200 ? contentLength(response) : OptionalLong.empty());
        return new RemoteFile(file, commit, etag, digest, size.orElse(-1), download);
    }

    private HubException notAHub(String file, String header) {
        return new HubException("the answer of " + settings.endpoint() + " for " + file + " lacks the " + header
                + " header a Hugging Face Hub sends; check $" + HubSettings.ENDPOINT_ENV);
    }

    private RuntimeException refusal(int status, String errorCode, RepoId repo, String revision, String file) {
        String hub = settings.endpoint().toString();
        boolean signedIn = settings.token().isPresent();
        return switch (errorCode) {
            case "RepoNotFound" -> new UsageError("there is no model '" + repo + "' on " + hub + (signedIn
                    ? " that $" + HubSettings.TOKEN_ENV + " may read" : "") + ": check the id (for example gpt2 or"
                    + " openai-community/gpt2)" + (signedIn ? "" : ", or set $" + HubSettings.TOKEN_ENV
                    + " if it is private"));
            case "RevisionNotFound" -> new UsageError("model " + repo + " on " + hub + " has no revision '"
                    + revision + "': check --revision (a branch, tag or commit id)");
            case "EntryNotFound" -> new UsageError("model " + repo + " at " + revision + " has no " + file
                    + ": collapse needs config.json and model.safetensors of a GPT-2 model");
            case "GatedRepo" -> new UsageError("model " + repo + " is gated: accept its conditions on " + hub + "/"
                    + repo + " and set $" + HubSettings.TOKEN_ENV + " to a token of that account");
            default -> switch (status) {
                case 401, 403 -> new UsageError("the hub at " + hub + " refused " + file + " of " + repo + " (HTTP "
                        + status + "): " + (signedIn ? "check that $" + HubSettings.TOKEN_ENV + " may read it"
                        : "set $" + HubSettings.TOKEN_ENV + " to a token that may read it"));
                case 404 -> new UsageError("the hub at " + hub + " has no " + file + " of model " + repo + " at "
                        + revision + " (HTTP 404): check the id and --revision");
                default -> new HubException("the hub at " + hub + " answered HTTP " + status + " for " + file
                        + " of " + repo + "; try again later");
            };
        };
    }

    private long partialSize(RemoteFile file, Path partial) {
        try {
            if (!Files.exists(partial)) {
                return 0;
            }
            long size = Files.size(partial);
            if (file.size() >= 0 && size > file.size()) {
                Files.delete(partial);
                return 0;
            }
            return size;
        } catch (IOException e) {
            throw cacheProblem(partial, e);
        }
    }

    private static OutputStream openPartial(Path partial, boolean append) {
        try {
            return Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw cacheProblem(partial, e);
        }
    }

    private static void deletePartial(Path partial) {
        try {
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            throw cacheProblem(partial, e);
        }
    }

    static HubException cacheProblem(Path path, IOException e) {
        return new HubException("cannot write " + path + " (" + reason(e) + "): make room there, or set $"
                + HubSettings.HOME_ENV + " to another directory", e);
    }

    private static OptionalLong rangeStart(HttpResponse<?> response) {
        Optional<String> range = header(response, "Content-Range");
        if (range.isEmpty()) {
            return OptionalLong.empty();
        }
        Matcher matcher = CONTENT_RANGE.matcher(range.get().strip());
        return matcher.matches() ? parseSize(matcher.group(1)) : OptionalLong.empty();
    }

    private static OptionalLong contentLength(HttpResponse<?> response) {
        return response.headers().firstValueAsLong("Content-Length");
    }

    private static OptionalLong parseSize(String text) {
        try {
            long size = Long.parseLong(text.strip());
            return size >= 0 ? OptionalLong.of(size) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static Optional<String> header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).filter(value -> !value.isBlank()).map(String::strip);
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private URI location(URI from, HttpResponse<?> response) {
        String location = header(response, "Location").orElseThrow(() -> new HubException("the server at "
                + from.getHost() + " answered HTTP " + response.statusCode() + " without a Location; check $"
                + HubSettings.ENDPOINT_ENV));
        try {
            return from.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new HubException("the server at " + from.getHost() + " redirected to '" + location + "', which is"
                    + " no URL; check $" + HubSettings.ENDPOINT_ENV, e);
        }
    }

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted while waiting to resume a download", e);
        }
    }

    static String reason(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
