package io.collapselab.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The produce/consume round trip of {@link LocalStackIT} against a containerised broker, for machines with
 * Docker; without a Docker engine the whole class is skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
class KafkaContainerIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka-native:4.1.1");

    @Test
    void producedRecordsAreConsumedInOrderPerKey() throws Exception {
        List<String> values = List.of("gen-0", "gen-1", "gen-2");
        KafkaClients.produce(KAFKA.getBootstrapServers(), "container.work", "run-a", values);
        assertEquals(values,
                KafkaClients.consumeValues(KAFKA.getBootstrapServers(), "container.work", "round-trip", 3));
    }
}
