package io.collapselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.cli.local.StackMain;
import io.collapselab.cli.runs.RunObserver;
import io.collapselab.cli.runs.RunSubmitter;
import io.collapselab.events.kafka.KafkaRole;
import io.collapselab.events.kafka.Topics;
import io.collapselab.experiment.Presets;
import io.collapselab.localstack.LocalStack;
import io.collapselab.localstack.LocalStackExtension;
import io.collapselab.localstack.TopicSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code collapse submit} and {@code collapse watch} against run ids the event log does or does not know, on the
 * local stack's real Kafka broker and S3 server: both answer at once with exit 2, naming the run.
 */
class ExistingRunsCommandIT {

    @RegisterExtension
    static LocalStackExtension extension = LocalStackExtension.withTopics(Topics.ALL.stream()
            .map(topic -> new TopicSpec(topic.name(), topic.partitions(), topic.configs()))
            .toList()).withKafkaUsers(StackMain.kafkaUsers());

    private final LocalStack stack;
    private final Path train;
    private final Path heldout;
    private final Path secretFile;

    ExistingRunsCommandIT(LocalStack stack, @TempDir Path dir) throws Exception {
        this.stack = stack;
        this.train = Files.writeString(dir.resolve("train.txt"), "a real training text ".repeat(200));
        this.heldout = Files.writeString(dir.resolve("heldout.txt"), "a real held-out text ".repeat(100));
        this.secretFile = Files.writeString(dir.resolve("s3-secret"), stack.s3SecretKey());
    }

    @Test
    void submitRefusesARunIdTheLogKnowsNamingItsStatus() throws Exception {
        try (ArtifactStore store = RunFixture.store(stack);
             RunSubmitter submitter = new RunSubmitter(stack.kafkaClientConfig(KafkaRole.SUBMITTER.user()), store)) {
            submitter.submit("taken", Presets.get("smoke"), Files.readAllBytes(train), Files.readAllBytes(heldout));
        }

        Result result = run(withCluster(KafkaRole.SUBMITTER, "submit", "--preset", "smoke", "--run-id", "taken",
                "--train-text", train.toString(), "--heldout-text", heldout.toString()));

        assertEquals(CollapseMain.BAD_INPUT, result.exitCode(), result.describe());
        assertTrue(result.err().contains("run taken already exists (status running; run taken: requested at "),
                result.err());
        try (RunObserver observer = new RunObserver(stack.kafkaClientConfig(KafkaRole.AUDITOR.user()))) {
            assertEquals(1, observer.read("taken", Duration.ofSeconds(30)).entries().size(),
                    "a second RunRequested was published");
        }
    }

    @Test
    void watchOfARunTheLogDoesNotKnowExitsAtOnce() throws IOException {
        Result result = run(withCluster(KafkaRole.AUDITOR, "watch", "nobody-here"));

        assertEquals(CollapseMain.BAD_INPUT, result.exitCode(), result.describe());
        assertTrue(result.err().contains("run nobody-here is unknown: the event log holds no event of it"),
                result.err());
    }

    /** {@code args} against the stack as a cluster given by address, signed in as {@code role}'s user. */
    private String[] withCluster(KafkaRole role, String... args) throws IOException {
        Path passwordFile = Files.writeString(secretFile.resolveSibling(role.user() + "-password"),
                stack.kafkaPassword(role.user()));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", stack.bootstrapServers(), "--s3-endpoint", stack.s3Endpoint(),
                "--s3-access-key", stack.s3AccessKey(), "--s3-secret-key-file", secretFile.toString(),
                "--kafka-user", role.user(), "--kafka-password-file", passwordFile.toString()));
        return all.toArray(String[]::new);
    }

    private static Result run(String... args) {
        CommandLine commandLine = CollapseMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return new Result(commandLine.execute(args), out.toString(), err.toString());
    }

    private record Result(int exitCode, String out, String err) {

        String describe() {
            return "exit " + exitCode + "\nout:\n" + out + "\nerr:\n" + err;
        }
    }
}
