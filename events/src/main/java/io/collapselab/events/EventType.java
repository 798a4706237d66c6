package io.collapselab.events;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of {@link CollapseEvent}. The type name is part of the contract three times over: it is the JSON
 * {@code "type"} discriminator, it goes into the deterministic event id, and it names the CloudEvents type. Renaming
 * one is therefore a breaking change.
 */
public enum EventType {
    RUN_REQUESTED("RunRequested", RunRequested.class),
    RUN_COMPLETED("RunCompleted", RunCompleted.class),
    CHECKPOINT_PUBLISHED("CheckpointPublished", CheckpointPublished.class),
    CORPUS_GENERATED("CorpusGenerated", CorpusGenerated.class),
    EVALUATION_COMPLETED("EvaluationCompleted", EvaluationCompleted.class);

    private final String typeName;
    private final Class<? extends CollapseEvent> eventClass;

    EventType(String typeName, Class<? extends CollapseEvent> eventClass) {
        this.typeName = typeName;
        this.eventClass = eventClass;
    }

    public String typeName() {
        return typeName;
    }

    public Class<? extends CollapseEvent> eventClass() {
        return eventClass;
    }

    /** The type with this exact (case-sensitive) name, empty when there is none. */
    public static Optional<EventType> fromTypeName(String typeName) {
        return Arrays.stream(values()).filter(type -> type.typeName.equals(typeName)).findFirst();
    }
}
