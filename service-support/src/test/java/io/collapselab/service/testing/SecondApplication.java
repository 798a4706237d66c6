package io.collapselab.service.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * A test profile that changes no setting. Test classes under it make Quarkus start the service a second time in
 * the same JVM, with a fresh class loader: one that uses the engine there proves that its native library, loaded
 * once per JVM, survives the restart (see {@code quarkus.class-loading.parent-first-artifacts} in the services'
 * application.properties).
 */
public class SecondApplication implements QuarkusTestProfile {
}
