package io.collapselab.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class KlDivergenceTest {

    @Test
    void isTheMeanOverPositionsOfTheDivergenceOfTheModelFromTheReference() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Position 1: p = softmax(0, ln 2) = (1/3, 2/3) against q = (1/2, 1/2).
            // Position 2: p = q = softmax(1, 3): no divergence.
            NDArray logits = manager.create(new float[] {0f, (float) Math.log(2), 1f, 3f}, new Shape(1, 2, 2));
            NDArray reference = manager.create(new float[] {5f, 5f, 1f, 3f}, new Shape(1, 2, 2));
            double first = 1.0 / 3 * Math.log((1.0 / 3) / 0.5) + 2.0 / 3 * Math.log((2.0 / 3) / 0.5);

            double kl = Trainer.klDivergence(logits, reference).getFloat();

            assertEquals((first + 0) / 2, kl, 1e-6);
            assertEquals(0, Trainer.klDivergence(reference, reference).getFloat(), 1e-7);
        }
    }

    @Test
    void anAnchorNeedsWhatItReadsAndANonNegativeWeight() {
        assertThrows(IllegalArgumentException.class, () -> new Anchors(null, 0.5, null, 0));
        assertThrows(IllegalArgumentException.class, () -> new Anchors(null, 0, null, 1));
        assertThrows(IllegalArgumentException.class, () -> new Anchors(null, -1, null, 0));
    }
}
