package io.collapselab.cli.runs;

import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.EvaluationCompleted;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.ProducerInfo;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunInputs;
import io.collapselab.events.RunRequested;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.experiment.Presets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The events of a made-up but consistent run of the smoke preset (generations 0..2), as the services would
 * publish them: each checkpoint names its parent, each corpus and evaluation its checkpoint. Generation g's
 * evaluation happens {@code 3 + 10 g} seconds after the request, so {@code wallMs} is 3000 for generation 0 and
 * 10000 after that; its numbers are simple functions of g so tests can state them.
 */
final class Lineage {

    static final ExperimentConfig CONFIG = Presets.get("smoke");
    static final Instant START = Instant.parse("2024-05-01T12:00:00Z");
    static final long HELDOUT_TOKENS = 16_383;
    static final double BITS_PER_BYTE = 3.25;
    static final double WORD_PERPLEXITY = 1_500.5;
    static final double UNSEEN_WORD_SHARE = 0.125;
    static final ProducerInfo CLI = new ProducerInfo("cli", "laptop", "0.1.0");
    static final ProducerInfo TRAINER = new ProducerInfo("trainer-service", "trainer-1", "0.1.0");
    static final ProducerInfo GENERATOR = new ProducerInfo("generator-service", "generator-1", "0.1.0");
    static final ProducerInfo EVALUATOR = new ProducerInfo("evaluator-service", "evaluator-1", "0.1.0");
    static final String BUCKET = "collapse";

    final String runId;
    final ExperimentConfig config = CONFIG;

    Lineage(String runId) {
        this.runId = runId;
    }

    int lastGeneration() {
        return config.generations();
    }

    RunRequested request() {
        return RunRequested.of(runId, START, CLI, config, new RunInputs(
                ref("inputs/train.txt", trainSha()), ref("inputs/heldout.txt", sha("heldout"))));
    }

    String trainSha() {
        return sha(runId + " train");
    }

    String checkpointSha(int g) {
        return sha(runId + " checkpoint " + g);
    }

    String corpusSha(int g) {
        return sha(runId + " corpus " + g);
    }

    CheckpointPublished checkpoint(int g) {
        return CheckpointPublished.of(runId, g, at(g, 1), TRAINER, ref(generationDir(g) + "checkpoint.bin",
                        checkpointSha(g)), ref(generationDir(g) + "training-state.bin",
                        sha(runId + " training state " + g)), g == 0 ? null : checkpointSha(g - 1),
                g == 0 ? trainSha() : corpusSha(g - 1), 40, 10_240, trainLoss(g), 900);
    }

    CorpusGenerated corpus(int g) {
        return CorpusGenerated.of(runId, g, at(g, 2), GENERATOR, ref(generationDir(g) + "corpus.txt", corpusSha(g)),
                new ObjectRef("s3://" + BUCKET + "/runs/" + runId + "/" + generationDir(g) + "corpus-tokens.bin",
                        sha(runId + " corpus tokens " + g), 4 * 1025), 1024, checkpointSha(g), config.sampling(),
                7 + g);
    }

    EvaluationCompleted evaluation(int g) {
        return EvaluationCompleted.of(runId, g, at(g, 3), EVALUATOR,
                new EvaluationCompleted.Metrics(heldoutLoss(g), Math.exp(heldoutLoss(g)), EvaluationSettings.WHOLE_TEXT,
                        HELDOUT_TOKENS, BITS_PER_BYTE, WORD_PERPLEXITY, heldoutLoss(g), Math.exp(heldoutLoss(g)),
                        BITS_PER_BYTE, WORD_PERPLEXITY, HELDOUT_TOKENS, (5 - g) / 10.0, (8 - g) / 10.0, (9 - g) / 10.0,
                        g / 10.0, 7.0 - g, 0.05, UNSEEN_WORD_SHARE, g),
                "excerpt of generation " + g, false, checkpointSha(g), corpusSha(g));
    }

    RunCompleted completed() {
        return RunCompleted.of(runId, lastGeneration(), at(lastGeneration(), 4), EVALUATOR,
                RunCompleted.Reason.MAX_GENERATIONS, "", lastGeneration());
    }

    /** Every event of the run, in the order the pipeline publishes them. */
    List<CollapseEvent> all() {
        List<CollapseEvent> events = new ArrayList<>(withoutCompletion());
        events.add(completed());
        return events;
    }

    List<CollapseEvent> withoutCompletion() {
        List<CollapseEvent> events = new ArrayList<>();
        events.add(request());
        for (int g = 0; g <= lastGeneration(); g++) {
            events.add(checkpoint(g));
            events.add(corpus(g));
            events.add(evaluation(g));
        }
        return events;
    }

    static double trainLoss(int g) {
        return 2.5 - 0.25 * g;
    }

    static double heldoutLoss(int g) {
        return 2.0 + 0.5 * g;
    }

    static String sha(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private ObjectRef ref(String keyInRun, String sha256) {
        return new ObjectRef("s3://" + BUCKET + "/runs/" + runId + "/" + keyInRun, sha256, 100);
    }

    private static String generationDir(int g) {
        return String.format("gen-%04d/", g);
    }

    private static Instant at(int g, int step) {
        return START.plusSeconds(10L * g + step);
    }
}
