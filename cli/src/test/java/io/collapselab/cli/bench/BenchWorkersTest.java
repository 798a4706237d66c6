package io.collapselab.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.lm.bench.BenchmarkResult;
import io.collapselab.lm.bench.BenchmarkResult.MatrixProductSpeed;
import io.collapselab.lm.bench.BenchmarkResult.SamplingSpeed;
import io.collapselab.lm.bench.BenchmarkResult.TrainingSpeed;
import io.collapselab.lm.bench.ModelSize;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** How a worker JVM is started and how it reports; measuring in one runs in {@code collapse bench} itself. */
class BenchWorkersTest {

    @Test
    void aWorkerGetsItsOwnThreadCountsAndOnlyTheEngineSettingsOfItsParent() {
        Properties parent = new Properties();
        parent.setProperty("ai.djl.pytorch.num_threads", "7");
        parent.setProperty("ai.djl.pytorch.num_interop_threads", "3");
        parent.setProperty("ai.djl.offline", "true");
        parent.setProperty("DJL_CACHE_DIR", "/cache/djl");
        parent.setProperty("ENGINE_CACHE_DIR", "/cache/engine");
        parent.setProperty("ai.djl.default_engine", "PyTorch");
        parent.setProperty("user.name", "someone");

        List<String> command = BenchWorkers.command(2, List.of("Main", "bench", "--worker"), parent);

        assertEquals(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.pytorch.num_threads=2", "-Dai.djl.pytorch.num_interop_threads=1",
                "-DDJL_CACHE_DIR=/cache/djl", "-DENGINE_CACHE_DIR=/cache/engine", "-Dai.djl.default_engine=PyTorch",
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), "Main", "bench", "--worker"),
                command);
    }

    @Test
    void aReportIsOneMarkedLineThatReadsBackAsTheSameResult() throws Exception {
        BenchmarkResult result = new BenchmarkResult(ModelSize.MEDIUM, 812_160, 2, "PyTorch 2.5.1",
                new TrainingSpeed(16, 2, 5, 3, 12_345.5), new MatrixProductSpeed(10, 3, 8.25),
                List.of(new SamplingSpeed(1, true, 128, 3, 2_000)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        BenchWorkers.report(result, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String printed = bytes.toString(StandardCharsets.UTF_8);
        String marker = "collapse-bench-result ";
        assertTrue(printed.startsWith(marker) && printed.endsWith(System.lineSeparator())
                && printed.lines().count() == 1, printed);
        assertEquals(result, MeasuringProcess.parse(printed.strip().substring(marker.length()),
                BenchmarkResult.class));
    }
}
