package io.collapselab.localstack;

import java.util.List;

/**
 * Keeps the broker's and the S3 server's INFO chatter (hundreds of lines per start) out of a local stack's output.
 *
 * <p>Kafka 4, S3Proxy and Jetty all log through SLF4J, and the projects that embed the stack (tests, the CLI) bind
 * SLF4J to slf4j-simple. slf4j-simple reads a logger's level from the system property
 * {@code org.slf4j.simpleLogger.log.<name>} when the logger is created, and Kafka creates most of its loggers
 * while the broker starts, so setting these properties just before the start is enough. Properties that are
 * already set win, which is how to get the broker's INFO lines back when debugging, e.g.
 * {@code -Dorg.slf4j.simpleLogger.log.kafka=info -Dorg.slf4j.simpleLogger.log.org.apache.kafka=info}.
 *
 * <p>With another SLF4J binding these properties do nothing; configure that binding's levels for the same
 * logger names instead.
 */
final class QuietLogging {

    static final String PROPERTY_PREFIX = "org.slf4j.simpleLogger.log.";
    static final List<String> NOISY_LOGGERS =
            List.of("kafka", "org.apache.kafka", "state.change.logger", "org.gaul", "org.eclipse.jetty");

    private QuietLogging() {
    }

    static void apply() {
        for (String logger : NOISY_LOGGERS) {
            System.getProperties().putIfAbsent(PROPERTY_PREFIX + logger, "warn");
        }
    }
}
