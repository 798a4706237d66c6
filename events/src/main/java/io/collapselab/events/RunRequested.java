package io.collapselab.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.collapselab.experiment.ExperimentConfig;
import java.time.Instant;

/**
 * A run was submitted: its configuration and the real texts it starts from, and the grid it belongs to where it was
 * submitted as one of several ({@code group}, absent for a run on its own). Always generation 0.
 */
public record RunRequested(
        String eventId,
        int schemaVersion,
        String runId,
        int generation,
        Instant occurredAt,
        ProducerInfo producer,
        ExperimentConfig config,
        RunInputs inputs,
        @JsonInclude(JsonInclude.Include.NON_NULL) RunGroup group) implements CollapseEvent {

    /** A run on its own. */
    public static RunRequested of(String runId, Instant occurredAt, ProducerInfo producer, ExperimentConfig config,
            RunInputs inputs) {
        return of(runId, occurredAt, producer, config, inputs, null);
    }

    /** A run of the grid {@code group}; {@code null} for a run on its own. */
    public static RunRequested of(String runId, Instant occurredAt, ProducerInfo producer, ExperimentConfig config,
            RunInputs inputs, RunGroup group) {
        return new RunRequested(EventIds.eventId(runId, EventType.RUN_REQUESTED, 0), CURRENT_SCHEMA_VERSION, runId, 0,
                occurredAt, producer, config, inputs, group);
    }

    @Override
    public EventType type() {
        return EventType.RUN_REQUESTED;
    }
}
