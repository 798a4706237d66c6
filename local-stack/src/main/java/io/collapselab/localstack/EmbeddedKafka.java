package io.collapselab.localstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft broker (combined broker and controller) whose log directory survives restarts. Every listener
 * authenticates: clients sign in with SASL/SCRAM-SHA-512 on the client listener, and the controller listener takes
 * only the broker itself (SASL/PLAIN with the admin's password: SCRAM credentials live in the metadata log, which
 * the controller serves, so they cannot guard it). KRaft's {@code StandardAuthorizer} denies whatever no ACL allows;
 * the admin is the only super user.
 */
final class EmbeddedKafka implements AutoCloseable {

    private static final int NODE_ID = 1;
    private static final String CLIENT_LISTENER = "CLIENT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int SCRAM_ITERATIONS = 4096;
    // Written by the formatter; its presence is how a restart knows not to format (which would wipe the log).
    private static final String META_PROPERTIES = "meta.properties";
    private static final long ADMIN_TIMEOUT_SECONDS = 60;

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final KafkaCredentials credentials;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, KafkaCredentials credentials) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.credentials = credentials;
    }

    static EmbeddedKafka start(Path logDir, String clusterId, int port, int controllerPort,
                               KafkaCredentials credentials) throws Exception {
        Files.createDirectories(logDir);
        String adminPassword = credentials.password(KafkaCredentials.ADMIN);
        KafkaConfig config = new KafkaConfig(brokerConfig(logDir, port, controllerPort, adminPassword));
        if (!isFormatted(logDir)) {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(clusterId)
                    .setNodeId(NODE_ID)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(logDir.toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    // The admin must exist before the broker starts: it is how the broker and the stack sign in.
                    .setScramArguments(List.of(KafkaCredentials.MECHANISM + "=[name=" + KafkaCredentials.ADMIN
                            + ",iterations=" + SCRAM_ITERATIONS + ",password=" + adminPassword + "]"))
                    .run();
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            stop(server);
            throw e;
        }
        return new EmbeddedKafka(server, "127.0.0.1:" + port, credentials);
    }

    static boolean isFormatted(Path logDir) {
        return Files.exists(logDir.resolve(META_PROPERTIES));
    }

    /** The cluster id a formatted log directory belongs to, for a data directory that lost its state file. */
    static String formattedClusterId(Path logDir) throws IOException {
        Properties meta = new Properties();
        try (Reader in = Files.newBufferedReader(logDir.resolve(META_PROPERTIES), StandardCharsets.UTF_8)) {
            meta.load(in);
        }
        String clusterId = meta.getProperty("cluster.id");
        if (clusterId == null) {
            throw new IOException(logDir.resolve(META_PROPERTIES) + " has no cluster.id");
        }
        return clusterId;
    }

    static Map<String, String> brokerConfig(Path logDir, int port, int controllerPort, String adminPassword) {
        Map<String, String> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", CLIENT_LISTENER + "://127.0.0.1:" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:"
                + controllerPort);
        p.put("advertised.listeners", CLIENT_LISTENER + "://127.0.0.1:" + port);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listener.security.protocol.map", CLIENT_LISTENER + ":SASL_PLAINTEXT," + CONTROLLER_LISTENER
                + ":SASL_PLAINTEXT");
        p.put("inter.broker.listener.name", CLIENT_LISTENER);
        p.put("sasl.mechanism.inter.broker.protocol", KafkaCredentials.MECHANISM);
        p.put("listener.name.client.sasl.enabled.mechanisms", KafkaCredentials.MECHANISM);
        p.put("listener.name.client.scram-sha-512.sasl.jaas.config",
                ScramLogin.jaas(KafkaCredentials.ADMIN, adminPassword));
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        // The broker's login to its controller and the controller's only account, one and the same line.
        p.put("listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + KafkaCredentials.ADMIN
                        + "\" password=\"" + adminPassword + "\" user_" + KafkaCredentials.ADMIN + "=\""
                        + adminPassword + "\";");
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("allow.everyone.if.no.acl.found", "false");
        p.put("super.users", "User:" + KafkaCredentials.ADMIN);
        p.put("log.dirs", logDir.toString());
        p.put("metadata.log.dir", logDir.toString());
        // One node: every internal topic has a single replica; one partition each keeps the first start fast
        // (50 partitions of __consumer_offsets would be created on the first consumer-group join otherwise).
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Sized for a developer machine rather than a production broker: fewer threads and a small dedupe
        // buffer for compacting __consumer_offsets (the default allocates 128 MiB of heap for it).
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        return p;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    String password(String user) {
        return credentials.password(user);
    }

    /** What a client needs to sign in as {@code user}. */
    Map<String, Object> clientConfig(String user) {
        return credentials.clientConfig(bootstrapServers, user);
    }

    /**
     * Gives each user its password and exactly the ACLs of its spec. Run on every start: setting a credential or
     * creating an ACL that already exists changes nothing, users added since the last start get theirs, and ACLs a
     * user's spec no longer lists are deleted.
     */
    void configureUsers(List<KafkaUserSpec> users) throws Exception {
        if (users.isEmpty()) {
            return;
        }
        try (Admin admin = Admin.create(clientConfig(KafkaCredentials.ADMIN))) {
            List<UserScramCredentialAlteration> passwords = users.stream()
                    .<UserScramCredentialAlteration>map(u -> new UserScramCredentialUpsertion(u.name(),
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
                            credentials.password(u.name())))
                    .toList();
            admin.alterUserScramCredentials(passwords).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<AclBinding> acls = users.stream().flatMap(u -> KafkaAcls.of(u).stream()).toList();
            admin.createAcls(acls).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Set<String> principals = users.stream().map(KafkaAcls::principal).collect(Collectors.toSet());
            List<AclBindingFilter> stale = admin.describeAcls(AclBindingFilter.ANY).values()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                    .filter(acl -> principals.contains(acl.entry().principal()) && !acls.contains(acl))
                    .map(AclBinding::toFilter)
                    .toList();
            if (!stale.isEmpty()) {
                admin.deleteAcls(stale).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    /** Creates the topics that do not exist yet; existing topics keep their partitions and configs. */
    void createMissingTopics(List<TopicSpec> topics) throws Exception {
        if (topics.isEmpty()) {
            return;
        }
        try (Admin admin = Admin.create(clientConfig(KafkaCredentials.ADMIN))) {
            Set<String> existing = admin.listTopics().names().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t.name()))
                    .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs()))
                    .toList();
            var created = admin.createTopics(missing).values();
            for (NewTopic topic : missing) {
                try {
                    created.get(topic.name()).get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // Another client created it between listing and creating: that is the state we wanted.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new LocalStackException("could not create topic '" + topic.name() + "' with "
                                + topic.numPartitions() + " partitions and configs " + topic.configs() + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                } catch (TimeoutException e) {
                    throw new LocalStackException("the broker at " + bootstrapServers + " did not create topic '"
                            + topic.name() + "' within " + ADMIN_TIMEOUT_SECONDS + " s", e);
                }
            }
        }
    }

    @Override
    public void close() {
        stop(server);
    }

    private static void stop(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }
}
