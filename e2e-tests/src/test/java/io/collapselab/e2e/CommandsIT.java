package io.collapselab.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.cli.CollapseMain;
import io.collapselab.cli.local.LocalProcesses;
import io.collapselab.localstack.LocalStack;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The user's commands against the embedded system: demo, up, runs, down. */
class CommandsIT {

    @BeforeAll
    static void locateTheServices() {
        E2eEnvironment.runnerJars();
        System.setProperty("collapse.home", E2eEnvironment.repoRoot().toString());
    }

    @Test
    void aGridOfTwoKnobsOverThreeSeedsGivesOneReportWithBandsAndTheJsonThenStopsAll(@TempDir Path dir)
            throws Exception {
        Path state = dir.resolve("state");
        Path json = dir.resolve("demo.json");
        Path report = dir.resolve("demo.html");
        Result result = run("demo", "--preset", "smoke", "--generations", "1", "--sweep", "lr=1e-3,2e-3",
                "--sweep", "mixing=replace,accumulate", "--seeds", "3", "--group", "lr-grid", "--state-dir",
                state.toString(), "--threads",
                Integer.toString(E2eEnvironment.torchThreads()), "--json-file", json.toString(), "--report",
                report.toString());

        assertEquals(0, result.exitCode(), result.err());
        JsonNode runs = new ObjectMapper().readTree(json.toFile());
        assertEquals(2 * 2 * 3, runs.size());
        List<String> ids = new ArrayList<>();
        for (JsonNode run : runs) {
            ids.add(run.get("runId").asText());
            assertEquals("max-generations", run.get("status").asText());
            assertEquals(2, run.get("generations").size());
            assertEquals("lr-grid", run.get("group").get("id").asText(), "the grid's runs share its group id");
        }
        Set<String> settings = new HashSet<>();
        runs.forEach(run -> settings.add(run.get("group").get("settings").toString()));
        assertEquals(12, settings.size(), "every combination once: " + settings);
        assertTrue(settings.contains("{\"lr\":\"2e-3\",\"mixing\":\"accumulate\",\"seed\":\"1236\"}"),
                "three seeds counting up from the smoke preset's 1234, innermost: " + settings);
        String html = Files.readString(report);
        List<String> charts = charts(html);
        assertEquals(5, charts.size(), "perplexity on linear and log scales, bits per byte, distinct-2 and entropy");
        for (String chart : charts) {
            for (String id : ids) {
                assertEquals(1, count(chart, "<polyline class=\"series\" data-run=\"" + id + "\""), id);
                assertEquals(2, count(chart, "<circle class=\"point\" data-run=\"" + id + "\""), id);
            }
            assertEquals(4, count(chart, "<polygon class=\"band\""), "one band per setting of the two knobs");
        }
        assertTrue(html.contains("lr=2e-3, mixing=accumulate (3 seeds: mean, and a band from the lowest to the "
                + "highest)"), html);
        assertTrue(result.out().contains("report: "), result.out());
        assertEquals(List.of(), new LocalProcesses(state, E2eEnvironment.repoRoot()).allStarted(),
                "demo must leave no process behind");
    }

    @Test
    void benchPipelineSplitsEachGenerationIntoComputeAndOverheadThenStopsEverything(@TempDir Path dir)
            throws Exception {
        Path state = dir.resolve("state");
        Path json = dir.resolve("pipeline.json");
        Result result = run("bench", "pipeline", "--preset", "smoke", "--generations", "3", "--warm-up-runs", "0",
                "--runs", "1", "--state-dir", state.toString(), "--threads",
                Integer.toString(E2eEnvironment.torchThreads()), "--json-file", json.toString());

        assertEquals(0, result.exitCode(), result.err());
        JsonNode run = new ObjectMapper().readTree(json.toFile()).get("runs").get(0);
        assertEquals(2, run.get("generationsMeasured").asInt(), "checkpoint 1 to 3");
        for (String figure : List.of("wallMs", "samplingMs", "trainingMs", "generatorOverheadMs",
                "trainerOverheadMs", "evaluatorMs")) {
            assertTrue(run.get(figure).asDouble() > 0, figure + " in " + run);
        }
        // Every generation moves objects through S3 and events through Kafka between the two computations.
        assertTrue(run.get("wallMs").asDouble() > run.get("samplingMs").asDouble()
                + run.get("trainingMs").asDouble(), run.toString());
        assertTrue(result.out().contains(run.get("runId").asText()), result.out());
        assertEquals(List.of(), new LocalProcesses(state, E2eEnvironment.repoRoot()).allStarted(),
                "the benchmark started the system, so it must stop it");
    }

    @Test
    void benchReplicasCarriesTheSameBatchThroughBothConfigurationsAndComparesTheirRunsPerHour(@TempDir Path dir)
            throws Exception {
        Path state = dir.resolve("state");
        Path json = dir.resolve("replicas.json");
        Result result = run("bench", "replicas", "--preset", "smoke", "--generations", "1", "--runs", "2",
                "--replicas", "trainer=2", "--state-dir", state.toString(), "--threads",
                Integer.toString(E2eEnvironment.torchThreads()), "--json-file", json.toString());

        assertEquals(0, result.exitCode(), result.err());
        JsonNode bench = new ObjectMapper().readTree(json.toFile());
        JsonNode configurations = bench.get("configurations");
        assertEquals(2, configurations.size(), bench.toString());
        assertEquals("trainer=1,generator=1,evaluator=1", configurations.get(0).get("replicas").asText());
        assertEquals("trainer=2,generator=1,evaluator=1", configurations.get(1).get("replicas").asText());
        Set<String> allRuns = new HashSet<>();
        for (JsonNode configuration : configurations) {
            assertTrue(configuration.get("runsPerHour").asDouble() > 0, configuration.toString());
            assertEquals(2, configuration.get("runIds").size(), configuration.toString());
            configuration.get("runIds").forEach(id -> allRuns.add(id.asText()));
            int work = 0;
            for (JsonNode published : configuration.get("workByInstance")) {
                work += published.asInt();
            }
            assertEquals(2 * 2 * 3, work, "two runs of generations 0 and 1, a checkpoint, corpus and evaluation "
                    + "each: " + configuration);
        }
        assertEquals(4, allRuns.size(), "each configuration its own runs");
        assertTrue(Set.of("local-trainer", "local-trainer-2", "local-generator", "local-evaluator").containsAll(
                iterate(configurations.get(1).get("workByInstance").fieldNames())), configurations.get(1).toString());
        double ratio = configurations.get(1).get("runsPerHour").asDouble()
                / configurations.get(0).get("runsPerHour").asDouble();
        assertEquals(ratio, bench.get("ratio").asDouble(), 1e-9);
        assertTrue(result.out().contains("trainer=2,generator=1,evaluator=1") && result.out().contains("ratio: "),
                result.out());
        for (String configuration : List.of("trainer-1_generator-1_evaluator-1", "trainer-2_generator-1_evaluator-1")) {
            assertEquals(List.of(), new LocalProcesses(state.resolve("bench-replicas").resolve(configuration),
                    E2eEnvironment.repoRoot()).allStarted(), "the benchmark started each system, so it must stop it");
        }
    }

    private static Set<String> iterate(java.util.Iterator<String> names) {
        Set<String> set = new HashSet<>();
        names.forEachRemaining(set::add);
        return set;
    }

    @Test
    void downStopsEveryProcessThatUpStarted(@TempDir Path dir) {
        Path state = dir.resolve("state");
        LocalProcesses local = new LocalProcesses(state, E2eEnvironment.repoRoot());
        try {
            Result up = run("up", "--state-dir", state.toString(), "--threads", "1");
            assertEquals(0, up.exitCode(), up.err());
            List<ProcessHandle> started = local.allStarted();
            assertEquals(4, started.size(), "the stack and three services");
            assertServicesYieldToTheStack(local);
            Result runs = run("runs", "--state-dir", state.toString());
            assertEquals(0, runs.exitCode(), runs.err());
            assertTrue(runs.out().contains("no runs yet"), runs.out());

            Result down = run("down", "--state-dir", state.toString());
            assertEquals(0, down.exitCode(), down.err());
            for (ProcessHandle process : started) {
                assertTrue(!process.isAlive(), "process " + process.pid() + " still running");
            }
            assertEquals(List.of(), local.allStarted());
            assertTrue(run("down", "--state-dir", state.toString()).out().contains("nothing was running"));
        } finally {
            local.down(System.err);
        }
    }

    /**
     * {@code up --replicas} runs that many processes of a service, all members of the service's one consumer group
     * (the trainer's three channels, runs, corpora and evaluations, make three members per process), and
     * {@code down} stops every one of them.
     */
    @Test
    void upWithReplicasJoinsThemToTheServicesConsumerGroupsAndDownStopsThemAll(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        LocalProcesses local = new LocalProcesses(state, E2eEnvironment.repoRoot());
        try {
            Result up = run("up", "--state-dir", state.toString(), "--threads", "1",
                    "--replicas", "trainer=2,generator=2,evaluator=1");
            assertEquals(0, up.exitCode(), up.err());
            assertTrue(up.out().contains("trainer-2: http://") && up.out().contains("generator-2: http://"), up.out());
            List<ProcessHandle> started = local.allStarted();
            assertEquals(6, started.size(), "the stack, two trainers, two generators and one evaluator");

            Map<String, Integer> expectedMembers = Map.of(
                    "collapse-trainer", 2 * 3, "collapse-generator", 2, "collapse-evaluator", 1);
            try (Admin admin = Admin.create(local.connection().orElseThrow()
                    .kafkaClientConfig(LocalStack.ADMIN_USER))) {
                assertEquals(expectedMembers, awaitMembers(admin, expectedMembers), "consumer group members");
            }

            Result down = run("down", "--state-dir", state.toString());
            assertEquals(0, down.exitCode(), down.err());
            for (ProcessHandle process : started) {
                assertTrue(!process.isAlive(), "process " + process.pid() + " still running");
            }
            assertEquals(List.of(), local.allStarted());
        } finally {
            local.down(System.err);
        }
    }

    /** The groups' member counts once they equal {@code expected}, or as they are when joining takes too long. */
    private static Map<String, Integer> awaitMembers(Admin admin, Map<String, Integer> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        Map<String, Integer> members = new TreeMap<>();
        while (System.nanoTime() < deadline) {
            admin.describeConsumerGroups(expected.keySet()).all().get().forEach((group, description) ->
                    members.put(group, description.members().size()));
            if (members.equals(expected)) {
                break;
            }
            Thread.sleep(1000);
        }
        return members;
    }

    /**
     * The services run below the stack's priority, the evaluator below the other two. Checked where Linux's /proc
     * tells priorities and the tests themselves do not already run at so low a priority that nice caps it.
     */
    private static void assertServicesYieldToTheStack(LocalProcesses local) {
        Path stackStat = procStat(local.running(LocalProcesses.STACK).orElseThrow());
        if (!Files.isReadable(stackStat) || niceness(stackStat) > 9) {
            return;
        }
        int stack = niceness(stackStat);
        assertEquals(List.of(stack + 5, stack + 5, stack + 10), LocalProcesses.SERVICES.stream()
                .map(service -> niceness(procStat(local.running(service).orElseThrow()))).toList());
    }

    private static Path procStat(ProcessHandle process) {
        return Path.of("/proc", Long.toString(process.pid()), "stat");
    }

    private static int niceness(Path procStat) {
        try {
            String line = Files.readString(procStat);
            // Fields after the command name (in parentheses, which may hold spaces): state is the 3rd, nice the 19th.
            return Integer.parseInt(line.substring(line.lastIndexOf(')') + 2).split(" ")[16]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void commandsWithoutAClusterSayWhatToDo(@TempDir Path dir) {
        Result result = run("runs", "--state-dir", dir.toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("./collapse up"), result.err());
    }

    record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        CommandLine commandLine = CollapseMain.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err, true));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.out;
        System.setOut(new java.io.PrintStream(out, true));
        try {
            int exitCode = commandLine.execute(args);
            return new Result(exitCode, out.toString(), err.toString());
        } finally {
            System.setOut(original);
        }
    }

    private static List<String> charts(String html) {
        List<String> charts = new ArrayList<>();
        Matcher m = Pattern.compile("<svg .*?</svg>", Pattern.DOTALL).matcher(html);
        while (m.find()) {
            charts.add(m.group());
        }
        return charts;
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }
}
