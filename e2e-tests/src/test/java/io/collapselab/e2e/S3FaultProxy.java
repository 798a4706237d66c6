package io.collapselab.e2e;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 proxy in front of the stack's S3 server that the test controls, so that the services meet the faults
 * of a real object store while the test's own client talks to the server directly. Requests are relayed one by
 * one, each connection to a connection of its own upstream, unchanged (so request signatures stay valid), unless a
 * fault is switched on:
 * <ul>
 *   <li>{@link #stopAnswering()}: the port stops listening (connections are refused) and open connections are
 *       closed, as when the server is down, until {@link #answerAgain()} listens on the same port again;</li>
 *   <li>{@link #delay(Duration)}: every request waits that long before it is relayed;</li>
 *   <li>{@link #failShare(double)}: that share of requests, drawn from a seeded random sequence, fails with a
 *       server error: half of them with {@code 503 SlowDown} before they reach the server, half with
 *       {@code 500 InternalError} after the server has carried them out (the write is done, its answer lost);</li>
 *   <li>{@link #fillDisk(boolean)}: every write ({@code PUT}, {@code POST}) is answered, after its body has been
 *       read, with exactly what S3Proxy's filesystem backend answers when its disk is full: {@code 500 Server
 *       Error}, an S3 {@code InternalError} document and {@code Connection: close} (the backend writes into a
 *       temporary file beside the object and deletes it when the write fails, so nothing of it is left).</li>
 * </ul>
 */
final class S3FaultProxy implements AutoCloseable {

    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
            Locale.US);

    private final int port;
    private final String upstreamHost;
    private final int upstreamPort;
    private final Random draws;
    private final ExecutorService connections = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "s3-fault-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger relayed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger refusedWrites = new AtomicInteger();
    private volatile ServerSocket server;
    private volatile boolean answering;
    private volatile long delayMillis;
    private volatile double failShare;
    private volatile boolean diskFull;

    private S3FaultProxy(int port, String upstreamHost, int upstreamPort, long seed) {
        this.port = port;
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.draws = new Random(seed);
    }

    /** Starts relaying to {@code upstreamEndpoint} (a base URL) on a free loopback port. */
    static S3FaultProxy start(String upstreamEndpoint, long seed) {
        URI upstream = URI.create(upstreamEndpoint);
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the S3 fault proxy", e);
        }
        S3FaultProxy proxy = new S3FaultProxy(port, upstream.getHost(), upstream.getPort(), seed);
        proxy.answerAgain();
        return proxy;
    }

    /** The base URL to point S3 clients at. */
    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    synchronized void stopAnswering() {
        answering = false;
        if (server != null) {
            closeQuietly(server);
        }
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    synchronized void answerAgain() {
        if (answering) {
            return;
        }
        try {
            ServerSocket listening = new ServerSocket();
            listening.setReuseAddress(true);
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            server = listening;
        } catch (IOException e) {
            throw new UncheckedIOException("the S3 fault proxy could not listen on port " + port + " again", e);
        }
        answering = true;
        ServerSocket listening = server;
        Thread acceptor = new Thread(() -> accept(listening), "s3-fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    void delay(Duration delay) {
        delayMillis = delay.toMillis();
    }

    void failShare(double share) {
        if (share < 0 || share > 1) {
            throw new IllegalArgumentException("a share is between 0 and 1, got " + share);
        }
        failShare = share;
    }

    void fillDisk(boolean full) {
        diskFull = full;
    }

    /** Every fault off. */
    void heal() {
        answerAgain();
        delay(Duration.ZERO);
        failShare(0);
        fillDisk(false);
    }

    /** Requests relayed to the server and answered with its own response. */
    int relayedRequests() {
        return relayed.get();
    }

    /** Requests answered with {@code SlowDown} or {@code InternalError} by {@link #failShare}. */
    int failedRequests() {
        return failed.get();
    }

    /** Writes answered as by a full disk. */
    int refusedWrites() {
        return refusedWrites.get();
    }

    @Override
    public void close() {
        stopAnswering();
        connections.shutdownNow();
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            Socket client;
            try {
                client = listening.accept();
            } catch (IOException e) {
                return;
            }
            open.add(client);
            connections.execute(() -> relay(client));
        }
    }

    private void relay(Socket client) {
        try (client; Socket upstream = new Socket(upstreamHost, upstreamPort)) {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            InputStream fromClient = new BufferedInputStream(client.getInputStream());
            OutputStream toClient = client.getOutputStream();
            InputStream fromServer = new BufferedInputStream(upstream.getInputStream());
            OutputStream toServer = upstream.getOutputStream();
            while (true) {
                Message request = Message.read(fromClient, null);
                if (request == null) {
                    return;
                }
                if (!answering) {
                    return;
                }
                if (delayMillis > 0) {
                    Thread.sleep(delayMillis);
                }
                boolean write = request.method().equals("PUT") || request.method().equals("POST");
                if (diskFull && write) {
                    refusedWrites.incrementAndGet();
                    toClient.write(diskFullAnswer());
                    toClient.flush();
                    return;
                }
                double draw;
                synchronized (draws) {
                    draw = draws.nextDouble();
                }
                boolean fails = draw < failShare;
                boolean beforeTheServer = fails && draw < failShare / 2;
                if (beforeTheServer) {
                    failed.incrementAndGet();
                    toClient.write(errorAnswer(503, "Service Unavailable", "SlowDown",
                            "Please reduce your request rate.", request));
                    toClient.flush();
                    continue;
                }
                toServer.write(request.bytes());
                toServer.flush();
                Message response = Message.read(fromServer, request.method());
                if (response == null) {
                    return;
                }
                if (fails) {
                    failed.incrementAndGet();
                    toClient.write(errorAnswer(500, "Internal Server Error", "InternalError",
                            "We encountered an internal error. Please try again.", request));
                } else {
                    relayed.incrementAndGet();
                    toClient.write(response.bytes());
                }
                toClient.flush();
                if (response.closes()) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client, the server or stopAnswering() ended the connection: the client sees it end.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(client);
        }
    }

    private static byte[] errorAnswer(int status, String statusText, String code, String message, Message request) {
        byte[] body = errorDocument(code, message);
        String head = "HTTP/1.1 " + status + " " + statusText + "\r\n"
                + "Date: " + HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)) + "\r\n"
                + "Content-Type: application/xml;charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        answer.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        if (!request.method().equals("HEAD")) {
            answer.writeBytes(body);
        }
        return answer.toByteArray();
    }

    /** What S3Proxy 4.1's filesystem backend sends when writing the object fails with "No space left on device". */
    private static byte[] diskFullAnswer() {
        byte[] body = errorDocument("InternalError", "An internal error occurred. Try again.");
        String head = "HTTP/1.1 500 Server Error\r\n"
                + "Date: " + HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)) + "\r\n"
                + "x-amz-request-id: " + requestId() + "\r\n"
                + "Cache-Control: must-revalidate,no-cache,no-store\r\n"
                + "Content-Type: application/xml;charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        answer.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        answer.writeBytes(body);
        return answer.toByteArray();
    }

    private static byte[] errorDocument(String code, String message) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>" + requestId() + "</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
    }

    private static String requestId() {
        byte[] id = new byte[8];
        new Random().nextBytes(id);
        return HexFormat.of().withUpperCase().formatHex(id);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Already closed or broken: either way it is gone.
        }
    }

    /**
     * One HTTP/1.1 request or response, head and body as they came, framed by {@code Content-Length} or chunked
     * transfer coding, or (a response without either) by the end of the connection.
     */
    private record Message(String method, byte[] bytes, boolean closes) {

        /**
         * Reads the next message; null when the connection ended before one began. {@code requestMethod} is null
         * for a request, else the method of the request a response answers.
         */
        static Message read(InputStream in, String requestMethod) throws IOException {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            String head = readHead(in, raw);
            if (head == null) {
                return null;
            }
            String[] lines = head.split("\r\n");
            String first = lines[0];
            long contentLength = -1;
            boolean chunked = false;
            boolean closes = false;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> contentLength = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> closes = value.equalsIgnoreCase("close");
                    default -> {
                    }
                }
            }
            String method = requestMethod == null ? first.substring(0, first.indexOf(' ')) : requestMethod;
            boolean bodiless = requestMethod != null && (requestMethod.equals("HEAD") || status(first) == 204
                    || status(first) == 304 || status(first) / 100 == 1);
            if (bodiless) {
                return new Message(method, raw.toByteArray(), closes);
            }
            if (chunked) {
                copyChunked(in, raw);
            } else if (contentLength >= 0) {
                copy(in, raw, contentLength);
            } else if (requestMethod != null) {
                in.transferTo(raw);
                closes = true;
            }
            return new Message(method, raw.toByteArray(), closes);
        }

        private static int status(String statusLine) {
            String[] parts = statusLine.split(" ", 3);
            return Integer.parseInt(parts[1]);
        }

        private static String readHead(InputStream in, ByteArrayOutputStream raw) throws IOException {
            int matched = 0;
            int b;
            while ((b = in.read()) != -1) {
                raw.write(b);
                matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1
                        || matched == 3)) ? matched + 1 : (b == '\r' ? 1 : 0);
                if (matched == 4) {
                    return raw.toString(StandardCharsets.ISO_8859_1);
                }
                if (raw.size() > MAX_HEAD_BYTES) {
                    throw new SocketException("an HTTP head longer than " + MAX_HEAD_BYTES + " bytes");
                }
            }
            if (raw.size() == 0) {
                return null;
            }
            throw new EOFException("the connection ended inside an HTTP head");
        }

        private static void copyChunked(InputStream in, ByteArrayOutputStream raw) throws IOException {
            while (true) {
                String sizeLine = readLine(in, raw);
                int semicolon = sizeLine.indexOf(';');
                long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
                if (size == 0) {
                    while (!readLine(in, raw).isEmpty()) {
                        // trailer fields, relayed as they are
                    }
                    return;
                }
                copy(in, raw, size);
                readLine(in, raw);
            }
        }

        private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != -1) {
                raw.write(b);
                if (b == '\n') {
                    int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1
                            : line.length();
                    return line.substring(0, end);
                }
                line.append((char) b);
            }
            throw new EOFException("the connection ended inside a chunked body");
        }

        private static void copy(InputStream in, ByteArrayOutputStream raw, long length) throws IOException {
            byte[] buffer = new byte[8192];
            long left = length;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new EOFException("the connection ended " + left + " bytes before the body's end");
                }
                raw.write(buffer, 0, n);
                left -= n;
            }
        }
    }
}
