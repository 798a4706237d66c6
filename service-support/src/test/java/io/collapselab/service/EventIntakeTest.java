package io.collapselab.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.artifacts.ArtifactStoreException;
import io.collapselab.artifacts.DigestMismatchException;
import io.collapselab.artifacts.ObjectConflictException;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.artifacts.ObjectNotFoundException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

class EventIntakeTest {

    private static final ObjectKey KEY = ObjectKey.corpus("r1", 0);

    @Test
    void retriesWhatAnUnreachableStoreOrBrokerCaused() {
        assertTrue(EventIntake.isTransient(new ArtifactStoreException("S3 get failed after 5 attempts")));
        assertTrue(EventIntake.isTransient(new PublishException("no broker", new IllegalStateException("timeout"))));
        assertTrue(EventIntake.isTransient(new PublishException("not enough replicas",
                new NotEnoughReplicasException("min.insync.replicas"))));
    }

    @Test
    void doesNotRetryWhatStaysWrong() {
        assertFalse(EventIntake.isTransient(new ObjectNotFoundException(KEY, "collapse", "http://s3")));
        assertFalse(EventIntake.isTransient(new DigestMismatchException(KEY, "collapse", "a".repeat(64),
                "b".repeat(64))));
        assertFalse(EventIntake.isTransient(new ObjectConflictException(KEY, "collapse", "a".repeat(64),
                "b".repeat(64))));
        assertFalse(EventIntake.isTransient(new PublishException("too large",
                new RecordTooLargeException("1 MB"))));
        assertFalse(EventIntake.isTransient(new IllegalArgumentException("corrupt checkpoint")));
    }
}
