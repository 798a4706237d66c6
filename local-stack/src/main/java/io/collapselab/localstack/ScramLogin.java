package io.collapselab.localstack;

import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * Kafka client settings that sign in with SASL/SCRAM-SHA-512, the one way into the local stack's broker (and the one
 * the Kubernetes manifests use): bootstrap servers, security protocol, mechanism and the JAAS line that carries the
 * password. Kafka logs the JAAS line as {@code [hidden]}; never log these settings yourself.
 */
public final class ScramLogin {

    public static final String MECHANISM = "SCRAM-SHA-512";
    /** Plain TCP under SASL: the local stack listens on 127.0.0.1 only. */
    public static final String PLAINTEXT_PROTOCOL = "SASL_PLAINTEXT";

    private ScramLogin() {
    }

    /** Signs in as {@code user} over {@code securityProtocol} ({@code SASL_PLAINTEXT} or {@code SASL_SSL}). */
    public static Map<String, Object> clientConfig(String bootstrapServers, String securityProtocol, String user,
                                                   String password) {
        return Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol,
                SaslConfigs.SASL_MECHANISM, MECHANISM,
                SaslConfigs.SASL_JAAS_CONFIG, jaas(user, password));
    }

    static String jaas(String user, String password) {
        if (user.indexOf('"') >= 0 || password.indexOf('"') >= 0 || password.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("a Kafka user name or password must not contain '\"' or '\\\\'");
        }
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }
}
