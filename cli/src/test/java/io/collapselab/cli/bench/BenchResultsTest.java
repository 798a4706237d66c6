package io.collapselab.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code --json} file's fields, which scripts comparing benchmark runs read. */
class BenchResultsTest {

    @Test
    void theJsonFileNamesItsFieldsInTheirOrder() {
        TorchReference reference = new TorchReference("2/2/64/64", 1, 16, 2, 5, 3, 40_000, 2.0, "1.13.1", "openblas",
                "libopenblas.so.0");
        JsonNode json = new ObjectMapper().valueToTree(new BenchResults(2, 1.5, 0.25, true, "pseudo-random bytes",
                List.of(), List.of(reference), null));

        assertEquals(List.of("cores", "loadAverageAtStart", "loadAverageAtEnd", "quick", "trainingText", "results",
                "torchReference", "torchReferenceSkipped"), fieldNames(json));
        assertEquals(List.of("size", "threads", "batchSize", "warmupSteps", "stepsPerRepetition", "repetitions",
                "trainTokensPerSecond", "matrixProductGflopsPerSecond", "torch", "blas", "blasLibrary"),
                fieldNames(json.get("torchReference").get(0)));
        assertEquals(true, json.get("torchReferenceSkipped").isNull());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
