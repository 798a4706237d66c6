package io.collapselab.service;

import io.collapselab.artifacts.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the object store answers: without it no generation can be read or written. Kafka's side of
 * readiness comes from the messaging extension's own checks.
 */
@Readiness
@ApplicationScoped
public class S3ReadinessCheck implements HealthCheck {

    private final ArtifactStore store;

    S3ReadinessCheck(ArtifactStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("s3")
                .status(store.isReachable())
                .withData("endpoint", store.settings().endpoint())
                .withData("bucket", store.settings().bucket())
                .build();
    }
}
