package io.collapselab.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.lm.ComputeEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The launcher and the build start computing JVMs themselves, from shell and XML that cannot import
 * {@link ComputeEnvironment}: they must spell out the same settings, or the tests and users run slower (or less
 * reproducibly) than the services.
 */
class ComputeEnvironmentTest {

    @Test
    void theLauncherExportsTheComputeEnvironmentUnlessTheUserSetIt() {
        String launcher = Repository.read(Repository.path("collapse"));
        ComputeEnvironment.forComputeProcess().forEach((name, value) -> {
            String export = name + "=\"${" + name + ":-" + value + "}\"";
            assertTrue(launcher.contains(export), "collapse must export " + export);
        });
    }

    @Test
    void everyTestJvmRunsWithTheComputeEnvironment() {
        String pom = Repository.read(Repository.path("pom.xml"));
        assertTrue(pom.contains("<collapse.glibc.tunables>" + ComputeEnvironment.GLIBC_TUNABLES
                + "</collapse.glibc.tunables>"), "pom.xml: collapse.glibc.tunables must be ComputeEnvironment's");
        ComputeEnvironment.DETERMINISTIC_MATH.forEach((name, value) -> assertTrue(
                pom.contains("<" + name + ">" + value + "</" + name + ">"), "pom.xml must set " + name));
        assertTrue(pom.contains("<GLIBC_TUNABLES>${collapse.glibc.tunables}</GLIBC_TUNABLES>"),
                "pom.xml must pass GLIBC_TUNABLES to the test JVMs");
    }
}
