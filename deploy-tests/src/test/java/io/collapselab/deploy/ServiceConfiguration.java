package io.collapselab.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one service reads from its configuration, taken from its sources as they are checked in: the keys of its
 * {@code application.properties}, of the shared {@code service-support} defaults it depends on, of its
 * {@code @ConfigMapping} interfaces and {@code @ConfigProperty} injections, and its Kafka consumer channels.
 *
 * @param module          the service's Maven module, e.g. {@code trainer-service}
 * @param applicationName {@code quarkus.application.name}
 * @param keys            every configuration key the service reads; map-valued keys end in {@code .*}
 * @param channels        its incoming Kafka channels
 */
record ServiceConfiguration(String module, String applicationName, Set<String> keys, List<Channel> channels) {

    /** The worker services, whose images, Deployments and scalers the manifests define. */
    static final List<String> SERVICES = List.of("trainer-service", "generator-service", "evaluator-service");

    /** Where the configuration the services share lives, for every service that depends on it. */
    private static final String SUPPORT_MODULE = "service-support";
    private static final String SUPPORT_ARTIFACT = "collapse-service-support";

    /**
     * Keys the services rely on that Quarkus extensions read without any file of ours naming them.
     * {@code kafka.bootstrap.servers} is the Kafka extension's default for every channel's {@code bootstrap.servers},
     * and the three others its defaults for how every channel signs in.
     */
    static final Set<String> FRAMEWORK_KEYS = Set.of("kafka.bootstrap.servers", "kafka.security.protocol",
            "kafka.sasl.mechanism", "kafka.sasl.jaas.config");

    private static final Pattern CONFIG_PROPERTY =
            Pattern.compile("@ConfigProperty\\s*\\(\\s*name\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern INCOMING = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.connector");

    /**
     * An incoming channel.
     *
     * @param name    channel name
     * @param topics  the topics it reads: {@code topics} (a comma-separated list) or {@code topic} where set, else
     *                the channel's name, as the Kafka connector reads them
     * @param groupId its consumer group as configured, possibly an expression such as {@code ${quarkus.uuid}}
     */
    record Channel(String name, List<String> topics, String groupId) {

        /**
         * Whether the group is one fixed name shared by all replicas: a work group, which divides the partitions
         * among them. A group computed per process (each replica reading everything) is not one to scale on.
         */
        boolean sharedGroup() {
            return !groupId.contains("${");
        }
    }

    /** Reads {@code module}'s configuration; fails, saying what is missing, where its sources are not there. */
    static ServiceConfiguration load(String module) {
        Path properties = Repository.path(module + "/src/main/resources/application.properties");
        if (!Files.isRegularFile(properties)) {
            throw new AssertionError(Repository.relative(properties) + " not found: checking the deployment against"
                    + " the configuration of " + module + " needs the service's sources in this checkout");
        }
        List<Path> sourceRoots = new ArrayList<>(List.of(Repository.path(module + "/src/main/java")));
        // Shared defaults first, so that the service's own file overrides them (as its higher ordinal does).
        Map<String, String> values = new LinkedHashMap<>();
        if (Repository.read(Repository.path(module + "/pom.xml")).contains("<artifactId>" + SUPPORT_ARTIFACT
                + "</artifactId>")) {
            values.putAll(load(Repository.path(SUPPORT_MODULE
                    + "/src/main/resources/META-INF/microprofile-config.properties")));
            sourceRoots.add(Repository.path(SUPPORT_MODULE + "/src/main/java"));
        }
        values.putAll(load(properties));

        Set<String> keys = new LinkedHashSet<>(FRAMEWORK_KEYS);
        for (String key : values.keySet()) {
            if (!key.startsWith("%")) {
                keys.add(key);
            } else if (key.startsWith("%prod.")) {
                keys.add(key.substring("%prod.".length()));
            }
        }
        for (Path root : sourceRoots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            for (Path source : Repository.files(Repository.ROOT.relativize(root).toString(), ".java")) {
                String text = Repository.read(source);
                keys.addAll(ConfigMappingSource.keys(text));
                Matcher property = CONFIG_PROPERTY.matcher(text);
                while (property.find()) {
                    keys.add(property.group(1));
                }
            }
        }

        String applicationName = values.get("quarkus.application.name");
        List<Channel> channels = new ArrayList<>();
        for (String key : values.keySet()) {
            Matcher incoming = INCOMING.matcher(key);
            if (incoming.matches() && "smallrye-kafka".equals(values.get(key))) {
                String channel = incoming.group(1);
                String prefix = "mp.messaging.incoming." + channel + ".";
                String group = values.getOrDefault(prefix + "group.id",
                        // Quarkus's Kafka extension defaults a channel's group to the application's name.
                        values.getOrDefault("mp.messaging.connector.smallrye-kafka.group.id", applicationName));
                if (Boolean.parseBoolean(values.get(prefix + "pattern"))) {
                    throw new AssertionError(module + " channel " + channel + " subscribes by pattern; these checks"
                            + " need its topics by name");
                }
                String topics = values.containsKey(prefix + "topics")
                        ? values.get(prefix + "topics")
                        : values.getOrDefault(prefix + "topic", channel);
                channels.add(new Channel(channel, List.of(topics.trim().split("\\s*,\\s*")), group));
            }
        }
        return new ServiceConfiguration(module, applicationName, keys, channels);
    }

    /** The channels whose consumer group all replicas share: the work KEDA scales the service on. */
    List<Channel> workChannels() {
        return channels.stream().filter(Channel::sharedGroup).toList();
    }

    /**
     * Whether the environment variable {@code name} sets one of the service's keys. Quarkus (SmallRye Config) maps a
     * key to its environment variable by replacing every character other than a letter or digit with {@code _} and
     * upper-casing the result: {@code collapse.s3.access-key} is {@code COLLAPSE_S3_ACCESS_KEY}.
     */
    boolean acceptsEnvironmentVariable(String name) {
        return keys.stream().anyMatch(key -> matchesEnvironmentName(key, name));
    }

    boolean acceptsKey(String key) {
        return keys.stream().anyMatch(known -> known.equals(key)
                || known.endsWith(".*") && key.startsWith(known.substring(0, known.length() - 1)));
    }

    /** The environment names of the service's own keys and Kafka's, for messages. */
    List<String> environmentNames() {
        return keys.stream()
                .filter(key -> key.startsWith("collapse.") || key.startsWith("kafka."))
                .map(ServiceConfiguration::environmentName)
                .sorted()
                .toList();
    }

    static String environmentName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static boolean matchesEnvironmentName(String key, String name) {
        if (key.endsWith(".*")) {
            String prefix = environmentName(key.substring(0, key.length() - 1));
            return name.startsWith(prefix) && name.length() > prefix.length();
        }
        return environmentName(key).equals(name);
    }

    private static Map<String, String> load(Path file) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(Repository.read(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + Repository.relative(file), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(key -> values.put(key, properties.getProperty(key)));
        return values;
    }
}
