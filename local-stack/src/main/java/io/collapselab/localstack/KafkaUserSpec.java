package io.collapselab.localstack;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A client principal of the local broker and what it may do: produce to {@code writes}, consume from {@code reads},
 * and use consumer groups whose ids start with one of {@code groupPrefixes}. The stack gives it a SCRAM-SHA-512
 * password of its own and exactly these ACLs; anything else is denied.
 */
public record KafkaUserSpec(String name, Set<String> writes, Set<String> reads, Set<String> groupPrefixes) {

    // Letters, digits and '-' only: the name goes unquoted into a JAAS line and a SCRAM argument.
    private static final Pattern LEGAL_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    public KafkaUserSpec {
        Objects.requireNonNull(name, "user name");
        if (!LEGAL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Kafka user name '" + name + "' is not allowed: use 1 to 63 of"
                    + " [a-z0-9-], starting with a letter");
        }
        if (name.equals(KafkaCredentials.ADMIN)) {
            throw new IllegalArgumentException("'" + KafkaCredentials.ADMIN + "' is the stack's own super user;"
                    + " give the client user another name");
        }
        writes = Set.copyOf(writes);
        reads = Set.copyOf(reads);
        groupPrefixes = Set.copyOf(groupPrefixes);
        for (String prefix : groupPrefixes) {
            if (prefix.isEmpty()) {
                throw new IllegalArgumentException("user '" + name + "' has an empty group prefix, which would"
                        + " grant every consumer group");
            }
        }
    }
}
