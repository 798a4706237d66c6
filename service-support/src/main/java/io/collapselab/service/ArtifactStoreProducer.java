package io.collapselab.service;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.S3Settings;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one {@link ArtifactStore} of a service, built from {@code collapse.s3.*}. */
public class ArtifactStoreProducer {

    @Produces
    @Singleton
    ArtifactStore artifactStore(CollapseConfig config) {
        CollapseConfig.S3 s3 = config.s3();
        return new ArtifactStore(new S3Settings(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket(),
                s3.region()));
    }

    void close(@Disposes ArtifactStore store) {
        store.close();
    }
}
