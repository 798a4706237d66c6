package io.collapselab.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class S3SettingsTest {

    private static final String SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";

    @Test
    void toStringNeverRevealsTheSecret() {
        S3Settings settings = new S3Settings("http://127.0.0.1:9000", "AKIDEXAMPLE", SECRET, "collapse", "us-east-1");
        assertFalse(settings.toString().contains(SECRET), settings.toString());
        assertTrue(settings.toString().contains("AKIDEXAMPLE"), "the access key id is not secret and helps debugging");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:9000", "ftp://host", "http://host:9000/bucket", "http://host?x=1",
            "http://user:pw@host", "http://"})
    void rejectsEndpointsThatAreNotBaseUrls(String endpoint) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new S3Settings(endpoint, "key", SECRET, "collapse", "us-east-1"));
        assertTrue(e.getMessage().startsWith("S3 endpoint '" + endpoint + "'"), e.getMessage());
    }

    @Test
    void acceptsHttpsEndpointsWithATrailingSlash() {
        assertEquals("https://s3.example.org/",
                new S3Settings("https://s3.example.org/", "key", SECRET, "collapse", "eu-west-1").endpoint());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "Collapse", "collapse_runs", "-collapse", "collapse.", "my.bucket"})
    void rejectsInvalidBucketNames(String bucket) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new S3Settings("http://127.0.0.1:9000", "key", SECRET, bucket, "us-east-1"));
        assertTrue(e.getMessage().startsWith("bucket name '" + bucket + "' is not a valid S3 bucket name"),
                e.getMessage());
    }

    @Test
    void namesTheMissingSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new S3Settings("http://127.0.0.1:9000", "key", " ", "collapse", "us-east-1"));
        assertEquals("S3 secret key is missing", e.getMessage());
    }
}
