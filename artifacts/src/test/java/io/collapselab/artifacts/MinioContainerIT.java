package io.collapselab.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The core {@link ArtifactStoreIT} round trips against a real MinIO server, for machines with Docker; without a
 * Docker engine the whole class is skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
class MinioContainerIT {

    @Container
    static final MinIOContainer MINIO = new MinIOContainer("minio/minio:RELEASE.2023-09-04T19-57-37Z");

    @Test
    void storesReadsListsAndProtectsObjects() {
        S3Settings settings =
                new S3Settings(MINIO.getS3URL(), MINIO.getUserName(), MINIO.getPassword(), "collapse", "us-east-1");
        try (ArtifactStore store = new ArtifactStore(settings)) {
            assertTrue(store.isReachable());
            byte[] checkpoint = "weights".getBytes(StandardCharsets.UTF_8);
            ObjectKey key = ObjectKey.checkpoint("minio-run", 0);

            StoredObject stored = store.put(key, checkpoint);
            assertEquals(stored, store.put(key, checkpoint), "equal content again is a no-op");
            assertThrows(ObjectConflictException.class, () -> store.put(key, new byte[] {1}));
            assertArrayEquals(checkpoint, store.get(key, stored.sha256()));
            assertEquals(List.of(stored), store.list("minio-run"));
            assertThrows(ObjectNotFoundException.class,
                    () -> store.get(ObjectKey.corpus("minio-run", 0), stored.sha256()));
        }
    }
}
