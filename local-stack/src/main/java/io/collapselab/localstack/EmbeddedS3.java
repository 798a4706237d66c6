package io.collapselab.localstack;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Properties;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * An S3 server (S3Proxy) over the {@code filesystem-nio2} backend: each object is a plain file at
 * {@code <baseDir>/<bucket>/<key>}, and its metadata (content type, user metadata) lives in that file's
 * extended attributes.
 */
final class EmbeddedS3 implements AutoCloseable {

    private static final long START_TIMEOUT_MS = 30_000;

    private final S3Proxy proxy;
    private final BlobStore store;
    private final String endpoint;

    private EmbeddedS3(S3Proxy proxy, BlobStore store, String endpoint) {
        this.proxy = proxy;
        this.store = store;
        this.endpoint = endpoint;
    }

    static EmbeddedS3 start(Path baseDir, int port, String accessKey, String secretKey, String bucket)
            throws Exception {
        Files.createDirectories(baseDir);
        requireExtendedAttributes(baseDir);
        Properties properties = new Properties();
        // S3Proxy 4 dropped jclouds but kept the jclouds property name for the filesystem backends.
        properties.setProperty("jclouds.filesystem.basedir", baseDir.toString());
        BlobStore store = BlobStores.create("filesystem-nio2", properties);
        String endpoint = "http://127.0.0.1:" + port;
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create(endpoint))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        try {
            proxy.start();
            awaitStarted(proxy, endpoint);
            if (!store.containerExists(bucket)) {
                store.createContainer(bucket);
            }
        } catch (Exception e) {
            stop(proxy, store);
            throw e;
        }
        return new EmbeddedS3(proxy, store, endpoint);
    }

    /**
     * The filesystem backend silently drops user metadata where the filesystem has no user extended attributes
     * (tmpfs on older kernels, some Docker Desktop bind mounts, NFS); artifact digests live in that metadata,
     * so such a directory would lose them without any error. Refuse it up front instead.
     */
    static void requireExtendedAttributes(Path dir) throws IOException {
        Path probe = Files.createTempFile(dir, ".xattr-probe-", "");
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(probe, UserDefinedFileAttributeView.class);
            if (view == null) {
                throw new UnsupportedOperationException("no user-defined attribute view");
            }
            view.write("collapse-probe", ByteBuffer.wrap("1".getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException | UnsupportedOperationException e) {
            throw new LocalStackException("the filesystem holding " + dir + " does not support user extended"
                    + " attributes (" + e.getMessage() + "); the embedded S3 server keeps object metadata such as"
                    + " artifact digests in them. Use a data directory on a filesystem that supports them"
                    + " (ext4, xfs, btrfs, APFS, NTFS)", e);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private static void awaitStarted(S3Proxy proxy, String endpoint) throws InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.currentTimeMillis() > deadline) {
                throw new LocalStackException("the S3 server at " + endpoint + " did not start within "
                        + START_TIMEOUT_MS / 1000 + " s (state " + proxy.getState() + ")");
            }
            Thread.sleep(10);
        }
    }

    String endpoint() {
        return endpoint;
    }

    @Override
    public void close() throws Exception {
        stop(proxy, store);
    }

    private static void stop(S3Proxy proxy, BlobStore store) throws Exception {
        try {
            proxy.stop();
        } finally {
            store.close();
        }
    }
}
