package io.collapselab.cli.hub;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face Hub on a local port, in the hub's URL layout and with its headers: {@code
 * /{repo}/resolve/{revision}/{file}} answers a plain file with its content, {@code ETag} (git blob id) and
 * {@code X-Repo-Commit}, and an LFS file with a redirect to {@code /cdn/{sha256}} on another host name
 * ({@code localhost} instead of {@code 127.0.0.1}, as a CDN is another host) carrying {@code X-Linked-Etag},
 * {@code X-Linked-Size} and {@code X-Repo-Commit}. The CDN honours {@code Range}. Every request is recorded.
 */
public final class FakeHub implements AutoCloseable {

    private static final Pattern RESOLVE = Pattern.compile("/(.+)/resolve/([^/]+)/(.+)");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    /** A request as the server saw it; {@code authorization} and {@code range} null when not sent. */
    public record Request(String method, String path, String host, String authorization, String range) {
    }

    /** A file of a model; {@code served} is what the CDN sends, the content itself unless a test corrupts it. */
    private record File(byte[] content, boolean lfs, byte[] served) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Map<String, Map<String, File>> models = new ConcurrentHashMap<>();
    private final Map<String, byte[]> cdn = new ConcurrentHashMap<>();
    private final Map<String, String> renamed = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile String requiredToken;
    private volatile int cutsLeft;
    private volatile int cutAfterBytes;
    private volatile boolean ignoreRange;
    private boolean closed;

    private FakeHub() throws IOException {
        // All interfaces: the hub is reached as 127.0.0.1, its CDN as localhost, which may resolve to ::1.
        server = HttpServer.create(new InetSocketAddress(0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeHub start() throws IOException {
        return new FakeHub();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** An environment that points the hub's client at this hub and a cache under {@code hfHome}; to add to. */
    public Map<String, String> environment(Path hfHome) {
        Map<String, String> environment = new HashMap<>();
        environment.put(HubSettings.ENDPOINT_ENV, endpoint());
        environment.put(HubSettings.HOME_ENV, hfHome.toString());
        return environment;
    }

    /** An address where nothing listens: a port that was free a moment ago. */
    public static String unreachableEndpoint() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    /** The commit every revision of {@code repo} is at: derived from the id, so stable across runs. */
    public static String commitOf(String repo) {
        return HexFormat.of().formatHex(digest("SHA-1", ("commit of " + repo).getBytes(StandardCharsets.UTF_8)));
    }

    public void addModel(String repo, byte[] config, byte[] weights) {
        Map<String, File> files = new LinkedHashMap<>();
        files.put(HubModels.CONFIG, new File(config, false, config));
        files.put(HubModels.WEIGHTS, new File(weights, true, weights));
        models.put(repo, files);
        cdn.put(sha256(weights), weights);
    }

    /** {@code oldId} answers with a relative redirect to the same path under {@code newId}, as renamed repos do. */
    public void rename(String oldId, String newId) {
        renamed.put(oldId, newId);
    }

    /** The CDN sends {@code bytes} for {@code repo}'s weights while the hub still announces the real digest. */
    public void corruptWeights(String repo, byte[] bytes) {
        File weights = models.get(repo).get(HubModels.WEIGHTS);
        cdn.put(sha256(weights.content()), bytes);
    }

    /** Resolve requests need {@code Authorization: Bearer token}; without it the repo does not seem to exist. */
    public void requireToken(String token) {
        requiredToken = token;
    }

    /** The next {@code times} downloads from the CDN end after {@code bytes} bytes, the connection closed. */
    public void cutDownloads(int times, int bytes) {
        cutAfterBytes = bytes;
        cutsLeft = times;
    }

    /** The CDN answers range requests with the whole file and 200, as some servers do. */
    public void ignoreRange() {
        ignoreRange = true;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(String method, String pathPrefix) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix)).toList();
    }

    public static String sha256(byte[] content) {
        return HexFormat.of().formatHex(digest("SHA-256", content));
    }

    public static String gitBlobId(byte[] content) {
        byte[] prefix = ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] blob = new byte[prefix.length + content.length];
        System.arraycopy(prefix, 0, blob, 0, prefix.length);
        System.arraycopy(content, 0, blob, prefix.length, content.length);
        return HexFormat.of().formatHex(digest("SHA-1", blob));
    }

    /**
     * A safetensors file of float32 tensors with these shapes, filled from {@code seed}: the 8-byte little-endian
     * header length, the JSON header with a {@code __metadata__} entry, then the data.
     */
    public static byte[] safetensors(Map<String, int[]> shapes, long seed) {
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Map.Entry<String, int[]> tensor : shapes.entrySet()) {
            long bytes = 4L * elements(tensor.getValue());
            StringBuilder shape = new StringBuilder();
            for (int dimension : tensor.getValue()) {
                shape.append(shape.length() == 0 ? "" : ",").append(dimension);
            }
            header.append(",\"").append(tensor.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":[").append(shape)
                    .append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        byte[] json = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + json.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length).put(json);
        Random random = new Random(seed);
        while (file.hasRemaining()) {
            file.putFloat((float) random.nextGaussian());
        }
        return file.array();
    }

    public static long elements(int[] shape) {
        long count = 1;
        for (int dimension : shape) {
            count *= dimension;
        }
        return count;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        Headers request = exchange.getRequestHeaders();
        requests.add(new Request(exchange.getRequestMethod(), path, request.getFirst("Host"),
                request.getFirst("Authorization"), request.getFirst("Range")));
        try (exchange) {
            if (path.startsWith("/cdn/")) {
                serveCdn(exchange, path.substring("/cdn/".length()));
                return;
            }
            Matcher resolve = RESOLVE.matcher(path);
            if (!resolve.matches()) {
                answer(exchange, 404, "EntryNotFound");
                return;
            }
            serveResolve(exchange, resolve.group(1), URLDecoder.decode(resolve.group(2), StandardCharsets.UTF_8),
                    resolve.group(3));
        }
    }

    private void serveResolve(HttpExchange exchange, String repo, String revision, String name) throws IOException {
        String newId = renamed.get(repo);
        if (newId != null) {
            exchange.getResponseHeaders().set("Location", exchange.getRequestURI().getRawPath()
                    .replaceFirst("^/" + Pattern.quote(repo) + "/", "/" + newId + "/"));
            exchange.sendResponseHeaders(307, -1);
            return;
        }
        Map<String, File> files = models.get(repo);
        String token = requiredToken;
        if (files == null || token != null
                && !("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            answer(exchange, 404, "RepoNotFound");
            return;
        }
        String commit = commitOf(repo);
        if (!revision.equals("main") && !revision.equals(commit)) {
            answer(exchange, 404, "RevisionNotFound");
            return;
        }
        File file = files.get(name);
        if (file == null) {
            answer(exchange, 404, "EntryNotFound");
            return;
        }
        Headers headers = exchange.getResponseHeaders();
        headers.set(HubClient.COMMIT_HEADER, commit);
        if (file.lfs()) {
            String sha = sha256(file.content());
            headers.set(HubClient.LINKED_ETAG_HEADER, "\"" + sha + "\"");
            headers.set(HubClient.LINKED_SIZE_HEADER, Long.toString(file.content().length));
            headers.set("ETag", "W/\"" + gitBlobId(file.content()) + "\"");
            headers.set("Location", "http://localhost:" + server.getAddress().getPort() + "/cdn/" + sha);
            exchange.sendResponseHeaders(302, -1);
            return;
        }
        headers.set("ETag", "\"" + gitBlobId(file.content()) + "\"");
        send(exchange, 200, file.content(), file.content().length);
    }

    private void serveCdn(HttpExchange exchange, String sha) throws IOException {
        byte[] content = cdn.get(sha);
        if (content == null) {
            answer(exchange, 404, "");
            return;
        }
        int from = 0;
        String range = exchange.getRequestHeaders().getFirst("Range");
        Matcher matcher = range == null ? null : RANGE.matcher(range);
        if (matcher != null && matcher.matches() && !ignoreRange) {
            from = Integer.parseInt(matcher.group(1));
            if (from >= content.length) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + content.length);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Range",
                    "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
        }
        byte[] body = new byte[content.length - from];
        System.arraycopy(content, from, body, 0, body.length);
        int status = from > 0 ? 206 : 200;
        if (cutsLeft > 0 && "GET".equals(exchange.getRequestMethod())) {
            cutsLeft--;
            send(exchange, status, body, Math.min(cutAfterBytes, body.length));
            return;
        }
        send(exchange, status, body, body.length);
    }

    /** Sends the headers for all of {@code body} and then only its first {@code bytes} bytes. */
    private static void send(HttpExchange exchange, int status, byte[] body, int bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        OutputStream out = exchange.getResponseBody();
        out.write(body, 0, bytes);
        out.flush();
    }

    private static void answer(HttpExchange exchange, int status, String errorCode) throws IOException {
        if (!errorCode.isEmpty()) {
            exchange.getResponseHeaders().set(HubClient.ERROR_CODE_HEADER, errorCode);
        }
        exchange.sendResponseHeaders(status, -1);
    }

    private static byte[] digest(String algorithm, byte[] content) {
        try {
            return MessageDigest.getInstance(algorithm).digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The requests in the order the server saw them, as lines; for failure messages. */
    public String log() {
        List<String> lines = new ArrayList<>();
        for (Request r : requests) {
            lines.add(r.method() + " " + r.host() + r.path() + (r.range() == null ? "" : " Range: " + r.range()));
        }
        return String.join("\n", lines);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
