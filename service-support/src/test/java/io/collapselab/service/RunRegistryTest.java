package io.collapselab.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.collapselab.events.CollapseEvent;
import io.collapselab.events.ProducerInfo;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunRequested;
import io.collapselab.events.kafka.DecodedEvent;
import io.collapselab.events.kafka.Topics;
import io.collapselab.experiment.Presets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class RunRegistryTest {

    private static final ProducerInfo EVALUATOR = new ProducerInfo("evaluator-service", "host", "1");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PipelineMetrics metrics = new PipelineMetrics(meters);
    private final RecordedEvents recorded = new RecordedEvents();
    private final RunRegistry registry = new RunRegistry(metrics, new RecordedLineage(recorded));

    @Test
    void aRunIsKnownOnceItsRequestIsRead() throws Exception {
        RunRequested request = RunTest.request(Presets.get("smoke"));
        assertFalse(registry.isKnown("r1"));
        assertThrows(UnknownRunException.class, () -> registry.activeRun("r1"));

        registry.onRunEvent(record(request));

        assertTrue(registry.isKnown("r1"));
        assertEquals(request, registry.activeRun("r1").orElseThrow().request());
    }

    @Test
    void aRunWhoseConfigCannotRunIsRejectedAtOnce() throws InterruptedException {
        registry.onRunEvent(record(RunTest.request(Presets.get("smoke").withGenerations(-1))));

        UnknownRunException e = assertThrows(UnknownRunException.class, () -> registry.activeRun("r1"));
        assertTrue(e.getMessage().startsWith("invalid config of run r1"), e.getMessage());
    }

    @Test
    void aCompletedRunHasNoMoreWorkAndLosesItsGauge() throws Exception {
        registry.onRunEvent(record(RunTest.request(Presets.get("smoke"))));
        int last = Presets.get("smoke").generations();
        metrics.generationReached("r1", last);
        assertEquals(last, meters.get("collapse.run.generation").tag("run", "r1").gauge().value());

        registry.onRunEvent(record(recorded.record(ObjectOutbox.RUN_COMPLETED_EVENT, completion("r1", last))));

        assertTrue(registry.isCompleted("r1"));
        assertEquals(Optional.empty(), registry.activeRun("r1"));
        assertEquals(Optional.empty(), registry.request("r1"));
        assertTrue(meters.find("collapse.run.generation").tag("run", "r1").gauges().isEmpty());
    }

    @Test
    void theFirstRequestOfARunIdDefinesIt() throws InterruptedException {
        RunRequested first = RunTest.request(Presets.get("smoke"));
        RunRequested second = RunTest.request(Presets.get("demo"));

        registry.onRunEvent(record(first));
        registry.onRunEvent(record(second));

        assertEquals(first, registry.request("r1").orElseThrow());
        assertFalse(registry.isCompleted("r1"));
    }

    @Test
    void aRunCompletedThatNoServiceRecordedEndsNoRun() throws Exception {
        registry.onRunEvent(record(RunTest.request(Presets.get("smoke"))));

        registry.onRunEvent(record(completion("r1", Presets.get("smoke").generations())));
        registry.onRunEvent(record(completion("unused", 0)));

        assertFalse(registry.isCompleted("r1"), "a forged RunCompleted cancelled a live run");
        assertTrue(registry.activeRun("r1").isPresent());
        assertFalse(registry.isCompleted("unused"), "a forged RunCompleted took a run id before its first use");
    }

    @Test
    void aRecordedRunCompletedThatContradictsTheConfigEndsNoRun() throws Exception {
        registry.onRunEvent(record(RunTest.request(Presets.get("smoke"))));
        int beyondTheLast = Presets.get("smoke").generations() + 5;

        registry.onRunEvent(record(recorded.record(ObjectOutbox.RUN_COMPLETED_EVENT,
                completion("r1", beyondTheLast))));

        assertFalse(registry.isCompleted("r1"));
    }

    @Test
    void aRecordedRunCompletedOfARunNeverRequestedValidlyEndsIt() throws InterruptedException {
        RunCompleted failed = RunCompleted.of("bad-request", 0, Instant.now(), EVALUATOR, RunCompleted.Reason.FAILED,
                "not valid JSON", null);

        registry.onRunEvent(record(recorded.record(ObjectOutbox.RUN_COMPLETED_EVENT, failed)));

        assertTrue(registry.isCompleted("bad-request"), "the answer to an unreadable request keeps its run id taken");
    }

    private static RunCompleted completion(String runId, int generation) {
        return RunCompleted.of(runId, generation, Instant.now(), EVALUATOR, RunCompleted.Reason.MAX_GENERATIONS,
                "done", generation);
    }

    private static ConsumerRecord<String, DecodedEvent> record(CollapseEvent event) {
        return new ConsumerRecord<>(Topics.RUNS, 0, 0, event.runId(), new DecodedEvent.Valid(event));
    }
}
