package io.collapselab.e2e;

import io.collapselab.events.kafka.KafkaRole;
import java.nio.file.Path;

/** The three services, by the module that builds each. */
enum Service {
    TRAINER("trainer-service", KafkaRole.TRAINER),
    GENERATOR("generator-service", KafkaRole.GENERATOR),
    EVALUATOR("evaluator-service", KafkaRole.EVALUATOR);

    private final String module;
    private final KafkaRole role;

    Service(String module, KafkaRole role) {
        this.module = module;
        this.role = role;
    }

    String module() {
        return module;
    }

    /** Whose Kafka user the service signs in as. */
    KafkaRole role() {
        return role;
    }

    /** Where Quarkus's fast-jar packaging puts the runner of this service's module. */
    Path runnerJar(Path repoRoot) {
        return repoRoot.resolve(module).resolve("target").resolve("quarkus-app").resolve("quarkus-run.jar");
    }
}
