package io.collapselab.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs one {@link LocalStack} per test class, in a fresh temporary data directory that is
 * deleted afterwards, and injects it into constructors, test methods and lifecycle methods that declare a
 * {@code LocalStack} parameter. {@code @Nested} classes share their enclosing class's stack.
 *
 * <pre>{@code
 * @RegisterExtension
 * static LocalStackExtension stack = LocalStackExtension.withTopics(List.of(TopicSpec.of("collapse.runs", 3)));
 *
 * @Test
 * void roundTrip(LocalStack stack) { ... }
 * }</pre>
 *
 * {@code @ExtendWith(LocalStackExtension.class)} gives a stack without topics. A stack per class (rather than per
 * JVM) keeps test classes independent of each other's topics and objects; a warm start costs about a second.
 */
public final class LocalStackExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LocalStackExtension.class);

    private final List<TopicSpec> topics;
    private final List<KafkaUserSpec> kafkaUsers;

    /** For {@code @ExtendWith}: a stack without topics, whose only Kafka user is the admin. */
    public LocalStackExtension() {
        this(List.of(), List.of());
    }

    private LocalStackExtension(List<TopicSpec> topics, List<KafkaUserSpec> kafkaUsers) {
        this.topics = List.copyOf(topics);
        this.kafkaUsers = List.copyOf(kafkaUsers);
    }

    public static LocalStackExtension withTopics(List<TopicSpec> topics) {
        return new LocalStackExtension(topics, List.of());
    }

    /** This extension's topics, with {@code kafkaUsers} as the broker's client users. */
    public LocalStackExtension withKafkaUsers(List<KafkaUserSpec> kafkaUsers) {
        return new LocalStackExtension(topics, kafkaUsers);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        stack(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return stack(extensionContext);
    }

    /**
     * The class-level stack, started on first use. Test instances created per class are constructed before
     * {@code beforeAll}, which is why resolving a parameter may be what starts it.
     */
    private LocalStack stack(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent()) {
            classContext = classContext.getParent().orElseThrow();
        }
        // Stored values that are AutoCloseable are closed when their class context ends; lookups fall back to
        // enclosing contexts, which is how @Nested classes find their outer class's stack.
        return classContext.getStore(NAMESPACE)
                .computeIfAbsent(RunningStack.class, type -> RunningStack.start(topics, kafkaUsers),
                        RunningStack.class)
                .stack();
    }

    private record RunningStack(LocalStack stack, Path dataDir) implements AutoCloseable {

        static RunningStack start(List<TopicSpec> topics, List<KafkaUserSpec> kafkaUsers) {
            Path dataDir;
            try {
                dataDir = Files.createTempDirectory("collapse-local-stack-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary data directory for the local stack", e);
            }
            return new RunningStack(LocalStack.builder().dataDir(dataDir).topics(topics).kafkaUsers(kafkaUsers).start(),
                    dataDir);
        }

        @Override
        public void close() throws IOException {
            try {
                stack.close();
            } finally {
                deleteRecursively(dataDir);
            }
        }

        private static void deleteRecursively(Path root) throws IOException {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
    }
}
