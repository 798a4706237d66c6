package io.collapselab.artifacts;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * Where the artifact store lives and how to sign in. {@code endpoint} is a base URL such as
 * {@code http://127.0.0.1:9000} (path-style addressing); {@link #toString()} never shows the secret key.
 */
public record S3Settings(String endpoint, String accessKey, String secretKey, String bucket, String region) {

    // S3's bucket naming rules, minus dotted names (which break path-style TLS and are never needed here).
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");

    public S3Settings {
        requireEndpoint(endpoint);
        requireText(accessKey, "S3 access key");
        requireText(secretKey, "S3 secret key");
        requireValidBucket(bucket);
        requireText(region, "S3 region");
    }

    static String requireValidBucket(String bucket) {
        if (bucket == null || !BUCKET_NAME.matcher(bucket).matches()) {
            throw new IllegalArgumentException("bucket name '" + bucket + "' is not a valid S3 bucket name: use 3 to"
                    + " 63 characters of [a-z0-9-], starting and ending with a letter or digit");
        }
        return bucket;
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", accessKey=" + accessKey + ", secretKey=****, bucket=" + bucket
                + ", region=" + region + "]";
    }

    private static void requireEndpoint(String endpoint) {
        requireText(endpoint, "S3 endpoint");
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("S3 endpoint '" + endpoint + "' is not a URL: " + e.getMessage(), e);
        }
        boolean httpScheme = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        boolean bare = (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))
                && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null;
        if (!httpScheme || uri.getHost() == null || !bare) {
            throw new IllegalArgumentException("S3 endpoint '" + endpoint + "' must be a base URL like"
                    + " http://127.0.0.1:9000 (http or https, a host, optionally a port, no path or query)");
        }
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is missing");
        }
    }
}
