package io.collapselab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TrainingSettingsTest {

    private static final TrainingSettings FIXED = new TrainingSettings(40, 8, 1e-3, 1e-3, TrainingSettings.CONSTANT, 0,
            0.9, 0.95, 0.1, 1.0, true);

    @Test
    void aFixedBudgetTakesItsStepsWhateverTheText() {
        assertEquals(TrainingSettings.FIXED_STEPS, FIXED.budget());
        assertEquals(40, FIXED.stepsFor(1_000, 100, "selfTraining"));
        assertEquals(40, FIXED.stepsFor(1_000_000_000, 100, "selfTraining"));
    }

    @Test
    void anEpochsBudgetGrowsWithTheText() {
        // A step sees 8 windows of 100 predicted tokens: 800 tokens.
        TrainingSettings twoEpochs = FIXED.withEpochs(2);

        assertEquals(16, twoEpochs.stepsFor(6_400, 100, "selfTraining"));
        assertEquals(17, twoEpochs.stepsFor(6_401, 100, "selfTraining"));
        assertEquals(32, twoEpochs.stepsFor(12_800, 100, "selfTraining"));
        assertEquals(8, FIXED.withEpochs(0.5).stepsFor(12_800, 100, "selfTraining"));
    }

    @Test
    void anEpochsBudgetTakesAtLeastOneStep() {
        assertEquals(1, FIXED.withEpochs(0.01).stepsFor(101, 100, "selfTraining"));
    }

    @Test
    void moreStepsThanAPhaseMayTakeAreRefusedNamingTheField() {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> FIXED.withEpochs(10_000).stepsFor(1_000_000_000, 100, "pretraining"));

        assertEquals("pretraining.epochs (10000.0) of 1000000000 tokens take 12500000000 steps of 800 tokens, more"
                + " than 100000000; lower pretraining.epochs or raise pretraining.batchSize", thrown.getMessage());
    }

    @Test
    void overridingTheStepsOrTheEpochsSwitchesTheBudget() {
        TrainingSettings epochs = FIXED.withEpochs(3);

        assertEquals(TrainingSettings.EPOCHS, epochs.budget());
        assertEquals(3.0, epochs.epochs());
        assertEquals(FIXED.withSteps(12), epochs.withSteps(12));
        assertEquals(null, epochs.withSteps(12).epochs());
    }
}
