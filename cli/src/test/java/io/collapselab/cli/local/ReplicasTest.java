package io.collapselab.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplicasTest {

    @Test
    void readsCountsPerServiceAndRunsTheOthersOnce() {
        Replicas replicas = Replicas.parse("trainer=2, generator=3");
        assertEquals(Map.of("trainer", 2, "generator", 3, "evaluator", 1), replicas.counts());
        assertEquals(List.of("trainer", "trainer-2"), replicas.names("trainer"));
        assertEquals(List.of("generator", "generator-2", "generator-3"), replicas.names("generator"));
        assertEquals(List.of("evaluator"), replicas.names("evaluator"));
    }

    @Test
    void noSpecificationIsOneProcessPerService() {
        for (String service : LocalProcesses.SERVICES) {
            assertEquals(List.of(service), Replicas.ONE_EACH.names(service));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "trainer               | is not SERVICE=COUNT",
            "trainer=two           | is not SERVICE=COUNT",
            "trainer=2;generator=2 | is not SERVICE=COUNT",
            "trainer=2,            | is not SERVICE=COUNT",
            "optimizer=2           | unknown service 'optimizer'",
            "trainer=0             | between 1 and 6",
            "trainer=7             | between 1 and 6",
            "trainer=2,trainer=3   | trainer is given twice"})
    void refusesWhatItCannotRead(String spec, String expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Replicas.parse(spec));
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    @Test
    void knowsWhichServiceAProcessIs() {
        assertEquals("trainer", Replicas.serviceOf("trainer"));
        assertEquals("generator", Replicas.serviceOf("generator-2"));
        assertEquals("evaluator", Replicas.serviceOf("evaluator-12"));
        assertNull(Replicas.serviceOf(LocalProcesses.STACK));
        assertNull(Replicas.serviceOf("trainer-1"));
        assertNull(Replicas.serviceOf("trainer-x"));
    }
}
