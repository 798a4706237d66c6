package io.collapselab.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code collapse.*} settings every service reads. Each key can also be set through the environment, e.g.
 * {@code COLLAPSE_S3_ENDPOINT} for {@code collapse.s3.endpoint}.
 */
@ConfigMapping(prefix = "collapse")
public interface CollapseConfig {

    /**
     * Name of this replica as it appears in the {@code producer.instance} of every event it publishes (and in its
     * CloudEvents source). Defaults to the host name, which is the pod name on Kubernetes.
     */
    Optional<String> instance();

    /** The object store holding run inputs, checkpoints and corpora. */
    S3 s3();

    /**
     * How long an event may wait for its run to appear in the run registry (its {@code RunRequested} read from
     * {@code collapse.runs}) before it is dead-lettered as belonging to no known run. It waits deferred, without
     * holding its channel.
     */
    @WithDefault("PT2M")
    Duration runWaitTimeout();

    /** How often events deferred for a run not known yet are tried again. */
    @WithDefault("PT1S")
    Duration deferredRetryInterval();

    /**
     * How many events may wait deferred at once, over all runs; an event of an unknown run beyond that is
     * dead-lettered at once.
     */
    @WithDefault("1000")
    int maxDeferredEvents();

    /** How many recently processed event ids each service remembers to drop redelivered events cheaply. */
    @WithDefault("10000")
    int processedEventsCapacity();

    /**
     * A local directory for the pretrained models runs start from, downloaded from the object store once per
     * process; give it room for the models in use (about 0.5 GB for GPT-2, 1.4 GB for GPT-2 medium).
     */
    @WithDefault("${java.io.tmpdir}/collapse-models")
    String modelCache();

    /**
     * Where a service keeps dead letters the broker does not take (in a directory of the service's name), until it
     * takes them; it should survive a restart of the service.
     */
    @WithDefault("${java.io.tmpdir}/collapse-dead-letters")
    String deadLetterDir();

    /** Back-off for work that failed for a transient reason (S3 or Kafka unavailable); retried until it succeeds. */
    Retry retry();

    /** Where the object store is and how to sign in. */
    interface S3 {

        /** Base URL of the S3 API, e.g. {@code http://127.0.0.1:9000}; path-style addressing. */
        String endpoint();

        /** Access key (user name) for the S3 API. */
        String accessKey();

        /** Secret key for the S3 API; never logged. */
        String secretKey();

        /** Bucket holding every run's objects under {@code runs/<runId>/}; created on first use if missing. */
        @WithDefault("collapse")
        String bucket();

        /** Region to sign requests for; S3-compatible servers usually accept the default. */
        @WithDefault("us-east-1")
        String region();
    }

    /** Exponential back-off between attempts at work that failed for a transient reason. */
    interface Retry {

        /** Wait after the first failed attempt; doubled after each further failure. */
        @WithDefault("PT1S")
        Duration initialBackoff();

        /** Longest wait between two attempts. */
        @WithDefault("PT30S")
        Duration maxBackoff();
    }
}
