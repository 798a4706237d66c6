package io.collapselab.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.collapselab.experiment.RunEnd;
import java.time.Instant;
import java.util.Arrays;

/**
 * A run is over. {@code generation} is the generation the run was at when it ended; {@code lastGeneration} is the
 * newest generation whose checkpoint was published, {@code null} when the run ended before its first checkpoint
 * (for instance when pre-training failed). {@code detail} is free text for people, e.g. the failure reason.
 */
public record RunCompleted(
        String eventId,
        int schemaVersion,
        String runId,
        int generation,
        Instant occurredAt,
        ProducerInfo producer,
        Reason reason,
        String detail,
        Integer lastGeneration) implements CollapseEvent {

    public static RunCompleted of(String runId, int generation, Instant occurredAt, ProducerInfo producer,
            Reason reason, String detail, Integer lastGeneration) {
        return new RunCompleted(EventIds.eventId(runId, EventType.RUN_COMPLETED, generation), CURRENT_SCHEMA_VERSION,
                runId, generation, occurredAt, producer, reason, detail, lastGeneration);
    }

    @Override
    public EventType type() {
        return EventType.RUN_COMPLETED;
    }

    /** Why a run ended; written in JSON as its lowercase, hyphenated wire name. */
    public enum Reason {
        MAX_GENERATIONS("max-generations"),
        COLLAPSE_DETECTED("collapse-detected"),
        FAILED("failed"),
        CANCELLED("cancelled");

        private final String wireName;

        Reason(String wireName) {
            this.wireName = wireName;
        }

        /** The reason a run ended where its config said it ends. */
        public static Reason of(RunEnd end) {
            return switch (end) {
                case MAX_GENERATIONS -> MAX_GENERATIONS;
                case COLLAPSE_DETECTED -> COLLAPSE_DETECTED;
            };
        }

        /** Whether the run got to where its config said it could end, rather than failing or being cancelled. */
        public boolean isNormalEnd() {
            return this == MAX_GENERATIONS || this == COLLAPSE_DETECTED;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }

        @JsonCreator
        public static Reason fromWireName(String wireName) {
            return Arrays.stream(values())
                    .filter(reason -> reason.wireName.equals(wireName))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown reason '" + wireName
                            + "', expected one of max-generations, collapse-detected, failed, cancelled"));
        }
    }
}
