package io.collapselab.events;

import io.collapselab.experiment.ExperimentConfig;
import java.time.Instant;

/** A run was submitted: its configuration and the real texts it starts from. Always generation 0. */
public record RunRequested(
        String eventId,
        int schemaVersion,
        String runId,
        int generation,
        Instant occurredAt,
        ProducerInfo producer,
        ExperimentConfig config,
        RunInputs inputs) implements CollapseEvent {

    public static RunRequested of(String runId, Instant occurredAt, ProducerInfo producer, ExperimentConfig config,
            RunInputs inputs) {
        return new RunRequested(EventIds.eventId(runId, EventType.RUN_REQUESTED, 0), CURRENT_SCHEMA_VERSION, runId, 0,
                occurredAt, producer, config, inputs);
    }

    @Override
    public EventType type() {
        return EventType.RUN_REQUESTED;
    }
}
