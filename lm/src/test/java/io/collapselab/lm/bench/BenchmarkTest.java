package io.collapselab.lm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.collapselab.lm.model.GptConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's plumbing on a tiny model; its figures are for people to read, so only their sanity is checked. */
class BenchmarkTest {

    @Test
    void countsTheOperationsOfEveryMatrixProductOfAForwardPass() {
        GptConfig config = new GptConfig(2, 2, 8, 4, 16, 0f);
        try (NDManager manager = NDManager.newBaseManager();
             MatrixProducts products = new MatrixProducts(manager, config, 3)) {
            // 12 rows; per layer 2*m*n*k of: 12x8 by 8x24, 8x8, 8x32, 12x32 by 32x8, then per each of the 6
            // (sequence, head) pairs 4x4 by 4x4 twice; then the head, 12x8 by 8x16.
            double perLayer = 2 * 12 * 8 * (24 + 8 + 32) + 2 * 12 * 32 * 8 + 2 * (2 * 6 * 4 * 4 * 4);
            assertEquals(2 * perLayer + 2 * 12 * 8 * 16, products.flopsPerPass(), 1e-9);
            products.runPass();
        }
    }

    @Test
    void measuresEverySpeedOfASize() {
        ModelSize size = new ModelSize(1, 1, 8, 8);
        List<String> progress = new ArrayList<>();

        BenchmarkResult result = Benchmark.run(size, BenchmarkPlan.forSize(size, Benchmark.BATCH_SIZE, true),
                Benchmark.syntheticText(4096, 5), progress::add);

        assertTrue(result.training().tokensPerSecond() > 0, result.toString());
        assertTrue(result.matrixProducts().gflopsPerSecond() > 0, result.toString());
        assertEquals(4, result.sampling().size());
        for (int batch : new int[] {1, Benchmark.BATCH_SIZE}) {
            assertTrue(result.samplingSpeed(batch, false) > 0, result.toString());
            assertTrue(result.samplingSpeed(batch, true) > 0, result.toString());
        }
        assertEquals(6, progress.size(), progress.toString());
    }
}
