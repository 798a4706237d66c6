package io.collapselab.localstack;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs that grant a {@link KafkaUserSpec} what it lists and nothing more. WRITE and READ imply DESCRIBE on a
 * topic, and WRITE on any topic also lets an idempotent producer initialise (KIP-679), so no cluster-wide
 * permission is needed.
 */
final class KafkaAcls {

    private static final String ANY_HOST = "*";

    private KafkaAcls() {
    }

    static String principal(KafkaUserSpec user) {
        return "User:" + user.name();
    }

    static List<AclBinding> of(KafkaUserSpec user) {
        String principal = principal(user);
        List<AclBinding> acls = new ArrayList<>();
        for (String topic : user.writes()) {
            acls.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE));
        }
        for (String topic : user.reads()) {
            acls.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ));
        }
        for (String prefix : user.groupPrefixes()) {
            acls.add(allow(principal, ResourceType.GROUP, prefix, PatternType.PREFIXED, AclOperation.READ));
        }
        return acls;
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern,
                                    AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, ANY_HOST, operation, AclPermissionType.ALLOW));
    }
}
