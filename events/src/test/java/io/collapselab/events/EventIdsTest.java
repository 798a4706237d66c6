package io.collapselab.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void eventIdIsTheSha256OfRunIdTypeAndGeneration() {
        // Computed independently: printf 'demo-run-1|CheckpointPublished|3' | sha256sum
        assertEquals("0dcb746b80d046a00671fc9278ca4f64280bf89e02e17784234ec0e2519a66b5",
                EventIds.eventId("demo-run-1", EventType.CHECKPOINT_PUBLISHED, 3));
    }

    @Test
    void sameRunTypeAndGenerationGiveTheSameIdHoweverOftenEmitted() {
        CheckpointPublished first = Fixtures.checkpointPublished();
        CheckpointPublished reEmitted = CheckpointPublished.of(first.runId(), first.generation(),
                first.occurredAt().plusSeconds(3600), Fixtures.TRAINER, first.checkpoint(), first.trainingState(),
                first.parentCheckpointSha256(), first.trainedOnSha256(), first.steps(), first.tokensSeen(),
                first.trainLoss(), first.wallMs() + 1);

        assertEquals(first.eventId(), reEmitted.eventId());
    }

    @Test
    void idsDifferAcrossRunsTypesAndGenerations() {
        Set<String> ids = new HashSet<>();
        int count = 0;
        for (String runId : new String[] {"run-a", "run-b"}) {
            for (EventType type : EventType.values()) {
                for (int generation = 0; generation < 12; generation++) {
                    ids.add(EventIds.eventId(runId, type, generation));
                    count++;
                }
            }
        }
        assertEquals(count, ids.size());
    }

    @Test
    void generationsThatShareDigitsDoNotCollide() {
        // The separator keeps "run-1" + gen 12 apart from "run-11" + gen 2.
        assertNotEquals(EventIds.eventId("run-1", EventType.CORPUS_GENERATED, 12),
                EventIds.eventId("run-11", EventType.CORPUS_GENERATED, 2));
    }

    @Test
    void factoriesUseTheDeterministicId() {
        for (CollapseEvent event : Fixtures.allEvents()) {
            assertEquals(EventIds.eventId(event.runId(), event.type(), event.generation()), event.eventId(),
                    event.type().typeName());
            assertEquals(CollapseEvent.CURRENT_SCHEMA_VERSION, event.schemaVersion());
        }
    }

    @Test
    void deadLetterIdIsStableAndDistinguishesRefusingServices() {
        DeadLetter byTrainer = Fixtures.deadLetter();
        DeadLetter again = DeadLetter.of("another reason", byTrainer.sourceTopic(), byTrainer.sourcePartition(),
                byTrainer.sourceOffset(), byTrainer.originalKey(), byTrainer.originalValue(),
                new ProducerInfo("trainer-service", "trainer-other-pod", "0.2.0"), byTrainer.occurredAt());
        DeadLetter byEvaluator = DeadLetter.of(byTrainer.reason(), byTrainer.sourceTopic(),
                byTrainer.sourcePartition(), byTrainer.sourceOffset(), byTrainer.originalKey(),
                byTrainer.originalValue(), Fixtures.EVALUATOR, byTrainer.occurredAt());
        DeadLetter nextOffset = DeadLetter.of(byTrainer.reason(), byTrainer.sourceTopic(),
                byTrainer.sourcePartition(), byTrainer.sourceOffset() + 1, byTrainer.originalKey(),
                byTrainer.originalValue(), byTrainer.refusedBy(), byTrainer.occurredAt());

        assertEquals(EventIds.deadLetterId(byTrainer), EventIds.deadLetterId(again));
        assertNotEquals(EventIds.deadLetterId(byTrainer), EventIds.deadLetterId(byEvaluator));
        assertNotEquals(EventIds.deadLetterId(byTrainer), EventIds.deadLetterId(nextOffset));
    }

    @Test
    void typeNamesResolveExactly() {
        for (EventType type : EventType.values()) {
            assertEquals(type, EventType.fromTypeName(type.typeName()).orElseThrow());
        }
        assertEquals(Optional.empty(), EventType.fromTypeName("runrequested"));
    }
}
