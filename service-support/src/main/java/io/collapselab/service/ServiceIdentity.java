package io.collapselab.service;

import io.collapselab.events.ProducerInfo;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Who this process is, as stamped on every event and dead letter it publishes. */
@ApplicationScoped
public class ServiceIdentity {

    // The rule events apply to producer.instance; checked here so that a bad COLLAPSE_INSTANCE stops the service at
    // start-up instead of making every publish fail later.
    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

    private final ProducerInfo producer;

    ServiceIdentity(@ConfigProperty(name = "quarkus.application.name") String service,
                    @ConfigProperty(name = "quarkus.application.version") String version,
                    CollapseConfig config) {
        String instance = config.instance().orElseGet(ServiceIdentity::hostName);
        if (!INSTANCE.matcher(instance).matches()) {
            throw new IllegalArgumentException("collapse.instance (COLLAPSE_INSTANCE) '" + instance + "' is not a valid"
                    + " instance name: use up to 253 letters, digits, '.', '_' or '-', starting with a letter or"
                    + " digit");
        }
        this.producer = new ProducerInfo(service, instance, version);
    }

    public ProducerInfo producer() {
        return producer;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("cannot determine this host's name for collapse.instance; set"
                    + " COLLAPSE_INSTANCE", e);
        }
    }
}
