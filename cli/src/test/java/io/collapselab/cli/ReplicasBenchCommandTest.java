package io.collapselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.cli.ReplicasBenchCommand.Configuration;
import io.collapselab.cli.ReplicasBenchCommand.ReplicasBenchmark;
import io.collapselab.cli.local.Replicas;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Naming the configurations and printing the comparison; the measuring itself runs in e2e-tests. */
class ReplicasBenchCommandTest {

    @Test
    void aConfigurationNamesEveryServiceWithItsReplicasInTheServicesOrder() {
        assertEquals("trainer=1,generator=1,evaluator=1", ReplicasBenchCommand.describe(Replicas.ONE_EACH));
        assertEquals("trainer=2,generator=2,evaluator=1",
                ReplicasBenchCommand.describe(Replicas.parse("generator=2,trainer=2")));
    }

    @Test
    void theTableShowsBothConfigurationsTheirRunsPerHourAndTheRatio() {
        Configuration one = new Configuration("trainer=1,generator=1,evaluator=1", 80, 180, List.of("a", "b"),
                Map.of("local-trainer", 6));
        Configuration two = new Configuration("trainer=2,generator=2,evaluator=1", 50, 288, List.of("c", "d"),
                Map.of("local-trainer", 4, "local-trainer-2", 2));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        ReplicasBenchCommand.print(new ReplicasBenchmark("demo", 8, 2, 1, 2, 0.5, 0.7, List.of(one, two), 1.6),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("2 concurrent runs of demo (8 self-trained generations each)"), out);
        assertTrue(out.matches("(?s).*trainer=1,generator=1,evaluator=1 +80\\.0 +180\\.0 +local-trainer 6\n.*"), out);
        assertTrue(out.contains("local-trainer 4, local-trainer-2 2"), out);
        assertTrue(out.contains("ratio: 1.60x the runs per hour of trainer=2,generator=2,evaluator=1 over "
                + "trainer=1,generator=1,evaluator=1"), out);
        assertTrue(out.contains("load average (1 min): 0.50 at start, 0.70 at end, on 2 cores"), out);
    }
}
