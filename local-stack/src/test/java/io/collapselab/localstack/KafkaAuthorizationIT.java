package io.collapselab.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker lets in only its users, each to do what its spec lists, and nothing else. */
class KafkaAuthorizationIT {

    private static final String OWN = "it.own";
    private static final String OTHER = "it.other";

    @RegisterExtension
    static LocalStackExtension extension = LocalStackExtension.withTopics(List.of(TopicSpec.of(OWN, 1),
                    TopicSpec.of(OTHER, 1)))
            .withKafkaUsers(List.of(
                    new KafkaUserSpec("writer", Set.of(OWN), Set.of(), Set.of()),
                    new KafkaUserSpec("reader", Set.of(), Set.of(OWN), Set.of("reader-"))));

    private final LocalStack stack;

    KafkaAuthorizationIT(LocalStack stack) {
        this.stack = stack;
    }

    @Test
    void eachUserDoesWhatItsSpecLists() throws Exception {
        KafkaClients.produce(stack.kafkaClientConfig("writer"), OWN, "run-a", List.of("one"));
        assertEquals(List.of("one"), KafkaClients.consumeValues(stack.kafkaClientConfig("reader"), OWN,
                "reader-group", 1));
    }

    @Test
    void aTopicNotListedIsRefused() {
        Exception e = assertThrows(Exception.class, () ->
                KafkaClients.produce(stack.kafkaClientConfig("writer"), OTHER, "run-a", List.of("forged")));
        assertInstanceOf(TopicAuthorizationException.class, refusal(e), e.toString());
    }

    @Test
    void aReaderCannotWriteNorUseAnotherGroup() {
        Exception write = assertThrows(Exception.class, () ->
                KafkaClients.produce(stack.kafkaClientConfig("reader"), OWN, "run-a", List.of("forged")));
        // A user that may write nowhere is refused before any topic: its idempotent producer cannot even start.
        assertInstanceOf(ClusterAuthorizationException.class, refusal(write), write.toString());
        KafkaException group = assertThrows(KafkaException.class, () ->
                KafkaClients.consumeValues(stack.kafkaClientConfig("reader"), OWN, "someone-elses-group", 1));
        assertInstanceOf(GroupAuthorizationException.class, group, group.toString());
    }

    @Test
    void noCredentialsOrAWrongPasswordCannotSignIn() {
        Map<String, Object> anonymous = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        assertThrows(ExecutionException.class, () -> listTopics(anonymous),
                "a plaintext client gets no answer from a SASL listener");

        Map<String, Object> wrongPassword = new HashMap<>(stack.kafkaClientConfig("writer"));
        wrongPassword.put("sasl.jaas.config", ScramLogin.jaas("writer", "not-the-password"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> listTopics(wrongPassword));
        assertInstanceOf(SaslAuthenticationException.class, e.getCause(), e.toString());
    }

    private static void listTopics(Map<String, Object> config) throws Exception {
        try (Admin admin = Admin.create(config)) {
            admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }

    /** The refusal, whether the send's future or (for a producer that failed for good) {@code send} reported it. */
    private static Throwable refusal(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof AuthorizationException)) {
            cause = cause.getCause();
        }
        return cause;
    }
}
