package io.collapselab.cli.runs;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Kafka client settings that say where the brokers are and how to sign in (bootstrap servers, security protocol,
 * SASL mechanism, JAAS line), to which each client adds its own. The CLI's clients and the services it starts take
 * them from here, so a role signs in the same way whichever process plays it. The JAAS line holds a password: Kafka
 * logs it as {@code [hidden]}, and nothing here prints it.
 */
public final class KafkaClientConfig {

    public static final String SECURITY_PROTOCOL_ENV = "KAFKA_SECURITY_PROTOCOL";
    public static final String SASL_MECHANISM_ENV = "KAFKA_SASL_MECHANISM";
    public static final String SASL_JAAS_CONFIG_ENV = "KAFKA_SASL_JAAS_CONFIG";

    /** The security settings a cluster's clients take from the environment, by variable, as the services do. */
    private static final Map<String, String> SECURITY_KEYS = Map.of(
            SECURITY_PROTOCOL_ENV, CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
            SASL_MECHANISM_ENV, SaslConfigs.SASL_MECHANISM,
            SASL_JAAS_CONFIG_ENV, SaslConfigs.SASL_JAAS_CONFIG);

    private KafkaClientConfig() {
    }

    /**
     * {@code bootstrapServers} with the security settings of {@code environment}: {@code $KAFKA_SECURITY_PROTOCOL},
     * {@code $KAFKA_SASL_MECHANISM} and {@code $KAFKA_SASL_JAAS_CONFIG}, the names the services read too.
     */
    public static Map<String, Object> fromEnvironment(String bootstrapServers, Function<String, String> environment) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        SECURITY_KEYS.forEach((variable, key) -> {
            String value = environment.apply(variable);
            if (value != null && !value.isBlank()) {
                config.put(key, value.strip());
            }
        });
        return config;
    }

    /** The environment variables a service reads {@code config} from, e.g. {@code $KAFKA_BOOTSTRAP_SERVERS}. */
    public static Map<String, String> asEnvironment(Map<String, Object> config) {
        Map<String, String> env = new LinkedHashMap<>();
        config.forEach((key, value) -> env.put(environmentVariable(key), value.toString()));
        return env;
    }

    /** The bootstrap servers of {@code config}, which must name them. */
    public static String bootstrapServers(Map<String, Object> config) {
        Object servers = config.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        if (servers == null) {
            throw new IllegalArgumentException("Kafka client settings without "
                    + CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        }
        return servers.toString();
    }

    /** {@code config} with a client's {@code own} settings added. */
    public static Map<String, Object> with(Map<String, Object> config, Map<String, Object> own) {
        bootstrapServers(config);
        Map<String, Object> merged = new HashMap<>(config);
        merged.putAll(own);
        return merged;
    }

    private static String environmentVariable(String key) {
        return "KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }
}
