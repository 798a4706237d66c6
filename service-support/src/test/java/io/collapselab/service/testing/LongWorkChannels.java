package io.collapselab.service.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.collapselab.events.kafka.EventDeserializer;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * For a service's component test to implement: the service's work channels consume as every work channel must
 * ("Long work" in service-support's {@code META-INF/microprofile-config.properties}), whether they get that from
 * the shared defaults or set it themselves.
 */
public interface LongWorkChannels {

    /** The Kafka consumer settings of a work channel, as the connector reads them. */
    Map<String, String> CONSUMER_SETTINGS = Map.of(
            "key.deserializer", StringDeserializer.class.getName(),
            "value.deserializer", EventDeserializer.class.getName(),
            "auto.offset.reset", "earliest",
            "commit-strategy", "throttled",
            "throttled.unprocessed-record-max-age.ms", "0",
            "max.poll.records", "1",
            "max.poll.interval.ms", "300000");

    /** The service's incoming work channels. */
    List<String> workChannels();

    @Test
    default void workChannelsConsumeAsLongWork() {
        Config config = ConfigProvider.getConfig();
        for (String channel : workChannels()) {
            CONSUMER_SETTINGS.forEach((attribute, expected) -> assertEquals(expected,
                    config.getOptionalValue("mp.messaging.incoming." + channel + "." + attribute, String.class)
                            .or(() -> config.getOptionalValue("mp.messaging.connector.smallrye-kafka." + attribute,
                                    String.class))
                            .orElse(null),
                    channel + " " + attribute));
        }
    }
}
