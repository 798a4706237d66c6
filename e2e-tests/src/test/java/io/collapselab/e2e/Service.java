package io.collapselab.e2e;

import java.nio.file.Path;

/** The three services, by the module that builds each. */
enum Service {
    TRAINER("trainer-service"),
    GENERATOR("generator-service"),
    EVALUATOR("evaluator-service");

    private final String module;

    Service(String module) {
        this.module = module;
    }

    String module() {
        return module;
    }

    /** Where Quarkus's fast-jar packaging puts the runner of this service's module. */
    Path runnerJar(Path repoRoot) {
        return repoRoot.resolve(module).resolve("target").resolve("quarkus-app").resolve("quarkus-run.jar");
    }
}
