package io.collapselab.lm.train;

import io.collapselab.lm.model.Checkpoint;
import io.collapselab.lm.model.LanguageModel;

import java.nio.file.Files;
import java.nio.file.Path;

/** Run in a fresh JVM by {@link ResumeTest}: load a checkpoint, train more steps of the phase, save it. */
public final class ResumeMain {

    public static void main(String[] args) throws Exception {
        Path weights = Path.of(args[0]);
        Path trainingState = Path.of(args[1]);
        Path text = Path.of(args[2]);
        int steps = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        int[] tokens;
        try (LanguageModel model = Checkpoint.read(Files.readAllBytes(weights), Files.readAllBytes(trainingState))) {
            tokens = model.tokenizer().encode(Files.readAllBytes(text));
            Trainer.train(model, ResumeTest.SETTINGS, tokens, steps, null);
            Files.writeString(out, ResumeTest.digest(model));
        }
    }
}
