package io.collapselab.events;

import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.SamplingSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks events against the contract. Each method returns every problem found, each naming the field, what would
 * be valid and what was there; an empty list means valid. Events are checked on their own (generations up to
 * {@link #MAX_GENERATION}) or, where the consumer knows the run's configuration, against it.
 */
public final class EventValidator {

    /**
     * The highest generation an event may carry. Object keys number generations with four digits
     * ({@code gen-NNNN}), so a run driven by events cannot go further even where a config would allow it.
     */
    public static final int MAX_GENERATION = 9999;

    /** Longest free text (sample excerpt, completion detail, dead-letter reason) an event may carry. */
    public static final int MAX_TEXT_CHARS = 100_000;

    public static final Pattern RUN_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern GROUP_KNOB = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    private static final Pattern GROUP_VALUE = Pattern.compile("[A-Za-z0-9.+_ -]{1,64}");
    public static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private static final Pattern SERVICE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    // Pod and host names: up to 253 characters of letters, digits, dots, hyphens (and underscores, seen in practice).
    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");
    private static final Pattern S3_URI = Pattern.compile("s3://([^/]*)/(.*)", Pattern.DOTALL);
    private static final String BASE_MODEL_CONFIG = "config.json";
    private static final String BASE_MODEL_WEIGHTS = "model.safetensors";
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern KAFKA_TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final int MAX_KEY_BYTES = 1024;
    private static final int MAX_QUOTED_CHARS = 80;

    private EventValidator() {
    }

    /** The problems with {@code event} on its own; empty when valid. */
    public static List<String> problems(CollapseEvent event) {
        return problems(event, null);
    }

    /**
     * The problems with {@code event} as an event of a run configured by {@code runConfig}: besides the checks of
     * {@link #problems(CollapseEvent)}, generations must lie within the configured number and excerpts within the
     * configured length.
     */
    public static List<String> problems(CollapseEvent event, ExperimentConfig runConfig) {
        List<String> problems = new ArrayList<>();
        if (event == null) {
            problems.add("event is missing");
            return problems;
        }
        int maxGeneration = runConfig == null ? MAX_GENERATION : runConfig.generations();
        envelope(event, maxGeneration, problems);
        switch (event.type()) {
            case RUN_REQUESTED -> runRequested((RunRequested) event, problems);
            case RUN_COMPLETED -> runCompleted((RunCompleted) event, runConfig, problems);
            case CHECKPOINT_PUBLISHED -> checkpointPublished((CheckpointPublished) event, problems);
            case CORPUS_GENERATED -> corpusGenerated((CorpusGenerated) event, problems);
            case EVALUATION_COMPLETED -> evaluationCompleted((EvaluationCompleted) event, runConfig, problems);
        }
        return problems;
    }

    /** The problems with a dead letter; empty when valid. */
    public static List<String> problems(DeadLetter deadLetter) {
        List<String> problems = new ArrayList<>();
        if (deadLetter == null) {
            problems.add("dead letter is missing");
            return problems;
        }
        if (deadLetter.schemaVersion() < 1) {
            problems.add("schemaVersion must be at least 1, was " + deadLetter.schemaVersion());
        }
        text(deadLetter.reason(), "reason", true, MAX_TEXT_CHARS, problems);
        if (deadLetter.sourceTopic() == null) {
            problems.add("sourceTopic is missing");
        } else if (!KAFKA_TOPIC.matcher(deadLetter.sourceTopic()).matches()) {
            problems.add("sourceTopic must be a Kafka topic name (1-249 letters, digits, '.', '_' or '-'), was "
                    + quote(deadLetter.sourceTopic()));
        }
        if (deadLetter.sourcePartition() < 0) {
            problems.add("sourcePartition must not be negative, was " + deadLetter.sourcePartition());
        }
        if (deadLetter.sourceOffset() < 0) {
            problems.add("sourceOffset must not be negative, was " + deadLetter.sourceOffset());
        }
        producer(deadLetter.refusedBy(), "refusedBy", problems);
        if (deadLetter.occurredAt() == null) {
            problems.add("occurredAt is missing");
        }
        return problems;
    }

    private static void envelope(CollapseEvent event, int maxGeneration, List<String> problems) {
        if (event.schemaVersion() < 1) {
            problems.add("schemaVersion must be at least 1, was " + event.schemaVersion());
        }
        boolean runIdValid = runId(event.runId(), problems);
        if (event.type() == EventType.RUN_REQUESTED) {
            if (event.generation() != 0) {
                problems.add("generation must be 0 for RunRequested, was " + event.generation());
            }
        } else if (event.generation() < 0 || event.generation() > maxGeneration) {
            problems.add("generation must be between 0 and " + maxGeneration + ", was " + event.generation());
        }
        if (event.eventId() == null) {
            problems.add("eventId is missing");
        } else if (runIdValid) {
            String expected = EventIds.eventId(event.runId(), event.type(), event.generation());
            if (!expected.equals(event.eventId())) {
                problems.add("eventId must be the SHA-256 of '" + event.runId() + "|" + event.type().typeName() + "|"
                        + event.generation() + "' (" + expected + "), was " + quote(event.eventId()));
            }
        }
        if (event.occurredAt() == null) {
            problems.add("occurredAt is missing");
        }
        producer(event.producer(), "producer", problems);
    }

    private static void runRequested(RunRequested event, List<String> problems) {
        ExperimentConfig config = event.config();
        if (config == null) {
            problems.add("config is missing");
        } else {
            config.problems().forEach(problem -> problems.add("config: " + problem));
        }
        RunInputs inputs = event.inputs();
        if (inputs == null) {
            problems.add("inputs is missing");
        } else {
            objectRef(inputs.train(), "inputs.train", event.runId(), problems);
            objectRef(inputs.heldout(), "inputs.heldout", event.runId(), problems);
            baseModel(inputs.baseModel(), config, problems);
        }
        if (event.group() != null) {
            group(event.group(), problems);
        }
    }

    /** A grid's id follows the rules of run ids; each setting names a knob and its value, in a few plain characters. */
    private static void group(RunGroup group, List<String> problems) {
        if (group.id() == null || !RUN_ID.matcher(group.id()).matches()) {
            problems.add("group.id must match " + RUN_ID.pattern() + ", was " + quote(group.id()));
        }
        Map<String, String> settings = group.settings();
        if (settings == null) {
            problems.add("group.settings is missing");
            return;
        }
        if (settings.size() > RunGroup.MAX_SETTINGS) {
            problems.add("group.settings has " + settings.size() + " knobs, at most " + RunGroup.MAX_SETTINGS);
        }
        settings.forEach((knob, value) -> {
            if (knob == null || !GROUP_KNOB.matcher(knob).matches()) {
                problems.add("group.settings: knob must match " + GROUP_KNOB.pattern() + ", was " + quote(knob));
            } else if (value == null || !GROUP_VALUE.matcher(value).matches()) {
                problems.add("group.settings." + knob + " must match " + GROUP_VALUE.pattern() + ", was "
                        + quote(value));
            }
        });
    }

    /** Present exactly when the config starts from a pretrained model, each file under its own digest. */
    private static void baseModel(RunInputs.BaseModel baseModel, ExperimentConfig config, List<String> problems) {
        boolean pretrained = config != null && config.model() != null && config.model().startsPretrained();
        if (baseModel == null) {
            if (pretrained) {
                problems.add("inputs.baseModel is missing, but config.model.initFrom names a pretrained model");
            }
            return;
        }
        if (config != null && config.model() != null && !pretrained) {
            problems.add("inputs.baseModel must be null when config.model.initFrom is not set");
        }
        modelFile(baseModel.config(), "inputs.baseModel.config", BASE_MODEL_CONFIG, problems);
        modelFile(baseModel.weights(), "inputs.baseModel.weights", BASE_MODEL_WEIGHTS, problems);
    }

    private static void modelFile(ObjectRef ref, String field, String fileName, List<String> problems) {
        if (ref == null) {
            problems.add(field + " is missing");
            return;
        }
        digest(ref.sha256(), field + ".sha256", problems);
        if (ref.size() < 1) {
            problems.add(field + ".size must be positive, was " + ref.size());
        }
        Matcher matcher = ref.uri() == null ? null : S3_URI.matcher(ref.uri());
        String expectedKey = "models/" + ref.sha256() + "/" + fileName;
        if (matcher == null || !matcher.matches() || !BUCKET.matcher(matcher.group(1)).matches()
                || !matcher.group(2).equals(expectedKey)) {
            problems.add(field + ".uri must be s3://<bucket>/" + expectedKey + ", the file under its own digest, was "
                    + quote(ref.uri()));
        }
    }

    private static void runCompleted(RunCompleted event, ExperimentConfig runConfig, List<String> problems) {
        RunCompleted.Reason reason = event.reason();
        if (reason == null) {
            problems.add("reason is missing (expected max-generations, collapse-detected, failed or cancelled)");
        }
        text(event.detail(), "detail", reason == RunCompleted.Reason.FAILED, MAX_TEXT_CHARS, problems);
        Integer lastGeneration = event.lastGeneration();
        if (lastGeneration != null && (lastGeneration < 0 || lastGeneration > event.generation())) {
            problems.add("lastGeneration must be between 0 and generation (" + event.generation() + ") or null, was "
                    + lastGeneration);
        }
        if (reason != null && reason.isNormalEnd() && !Integer.valueOf(event.generation()).equals(lastGeneration)) {
            problems.add("lastGeneration must equal generation (" + event.generation() + ") when the reason is "
                    + reason.wireName() + ", was " + lastGeneration);
        }
        if (reason == RunCompleted.Reason.MAX_GENERATIONS && runConfig != null
                && event.generation() != runConfig.generations()) {
            problems.add("generation must equal config.generations (" + runConfig.generations()
                    + ") when the reason is max-generations, was " + event.generation());
        }
    }

    private static void checkpointPublished(CheckpointPublished event, List<String> problems) {
        objectRef(event.checkpoint(), "checkpoint", event.runId(), problems);
        if (event.trainingState() != null || event.schemaVersion() >= 3) {
            objectRef(event.trainingState(), "trainingState", event.runId(), problems);
        }
        if (event.checkpoint() != null && event.trainingState() != null && event.checkpoint().uri() != null
                && event.checkpoint().uri().equals(event.trainingState().uri())) {
            problems.add("trainingState.uri must name another object than checkpoint.uri, was "
                    + quote(event.trainingState().uri()));
        }
        if (event.generation() == 0) {
            if (event.parentCheckpointSha256() != null) {
                problems.add("parentCheckpointSha256 must be null for generation 0, which has no parent, was "
                        + quote(event.parentCheckpointSha256()));
            }
        } else {
            digest(event.parentCheckpointSha256(), "parentCheckpointSha256", problems);
        }
        digest(event.trainedOnSha256(), "trainedOnSha256", problems);
        nonNegative(event.steps(), "steps", problems);
        nonNegative(event.tokensSeen(), "tokensSeen", problems);
        finiteNonNegative(event.trainLoss(), "trainLoss", problems);
        nonNegative(event.wallMs(), "wallMs", problems);
    }

    private static void corpusGenerated(CorpusGenerated event, List<String> problems) {
        objectRef(event.corpus(), "corpus", event.runId(), problems);
        if (event.tokenCount() < 1) {
            problems.add("tokenCount must be positive, was " + event.tokenCount());
        }
        if (event.tokens() != null || event.schemaVersion() >= 2) {
            objectRef(event.tokens(), "tokens", event.runId(), problems);
        }
        if (event.tokens() != null && event.tokens().size() > 0) {
            long ids = event.tokens().size() / Integer.BYTES;
            if (event.tokens().size() % Integer.BYTES != 0) {
                problems.add("tokens.size must be a multiple of 4 (4 bytes per token id), was "
                        + event.tokens().size());
            } else if (ids < event.tokenCount()) {
                problems.add("tokens holds " + ids + " ids (tokens.size / 4), fewer than the tokenCount ("
                        + event.tokenCount() + ") sampled");
            }
        }
        digest(event.checkpointSha256(), "checkpointSha256", problems);
        SamplingSettings sampling = event.sampling();
        if (sampling == null) {
            problems.add("sampling is missing");
        } else {
            problems.addAll(sampling.problems());
            if (sampling.curation() == null && event.curation() != null) {
                problems.add("curation counts are given, but sampling has no curation");
            } else if (sampling.curation() != null && event.curation() == null) {
                problems.add("curation is missing: sampling.curation is set, so the event must count what it kept");
            } else if (sampling.curation() != null) {
                problems.addAll(event.curation().problems(sampling.curation(), sampling.sequences()));
            }
        }
    }

    private static void evaluationCompleted(EvaluationCompleted event, ExperimentConfig runConfig, List<String> problems) {
        finiteNonNegative(event.heldoutLoss(), "heldoutLoss", problems);
        perplexity(event.heldoutPerplexity(), "heldoutPerplexity", problems);
        heldoutFigures(event, runConfig, problems);
        fraction(event.distinct1(), "distinct1", problems);
        fraction(event.distinct2(), "distinct2", problems);
        fraction(event.distinct3(), "distinct3", problems);
        fraction(event.repetition(), "repetition", problems);
        finiteNonNegative(event.entropy(), "entropy", problems);
        fraction(event.tailMass(), "tailMass", problems);
        if (event.unseenWordShare() != null || event.schemaVersion() >= 2) {
            fraction(event.unseenWordShare(), "unseenWordShare", problems);
        }
        if (event.cycleLength() < 0) {
            problems.add("cycleLength must not be negative (0: no cycle), was " + event.cycleLength());
        }
        int maxExcerpt = runConfig == null || runConfig.evaluation() == null
                ? MAX_TEXT_CHARS
                : runConfig.evaluation().excerptChars();
        text(event.sampleExcerpt(), "sampleExcerpt", false, maxExcerpt, problems);
        digest(event.checkpointSha256(), "checkpointSha256", problems);
        digest(event.corpusSha256(), "corpusSha256", problems);
    }

    /**
     * The held-out figure's method and units, and the whole-text figure: all of it or none of it (its word perplexity
     * aside, which a text without words lacks), present in every generation under {@code whole} and, against the
     * run's config, exactly where the schedule puts it. Version 1 events carry none of these fields.
     */
    private static void heldoutFigures(EvaluationCompleted event, ExperimentConfig runConfig, List<String> problems) {
        boolean version1 = event.schemaVersion() < 2;
        String method = event.heldoutMethod();
        if (method == null) {
            if (!version1) {
                problems.add("heldoutMethod is missing (expected 'whole' or 'windows')");
            }
        } else if (!EvaluationSettings.WHOLE_TEXT.equals(method) && !EvaluationSettings.WINDOWS.equals(method)) {
            problems.add("heldoutMethod must be 'whole' or 'windows', was " + quote(method));
        } else if (runConfig != null && runConfig.evaluation() != null
                && !method.equals(runConfig.evaluation().heldout())) {
            problems.add("heldoutMethod must be the run's evaluation.heldout ('" + runConfig.evaluation().heldout()
                    + "'), was '" + method + "'");
        }
        if (event.heldoutTokens() != null || !version1) {
            positive(event.heldoutTokens(), "heldoutTokens", problems);
        }
        if (event.heldoutBitsPerByte() != null || !version1) {
            finiteNonNegative(event.heldoutBitsPerByte(), "heldoutBitsPerByte", problems);
        }
        if (event.heldoutWordPerplexity() != null) {
            perplexity(event.heldoutWordPerplexity(), "heldoutWordPerplexity", problems);
        }
        boolean whole = event.wholeTextLoss() != null;
        if (whole) {
            finiteNonNegative(event.wholeTextLoss(), "wholeTextLoss", problems);
            perplexity(event.wholeTextPerplexity(), "wholeTextPerplexity", problems);
            finiteNonNegative(event.wholeTextBitsPerByte(), "wholeTextBitsPerByte", problems);
            positive(event.wholeTextTokens(), "wholeTextTokens", problems);
            if (event.wholeTextWordPerplexity() != null) {
                perplexity(event.wholeTextWordPerplexity(), "wholeTextWordPerplexity", problems);
            }
        } else {
            List<String> present = new ArrayList<>();
            if (event.wholeTextPerplexity() != null) {
                present.add("wholeTextPerplexity");
            }
            if (event.wholeTextBitsPerByte() != null) {
                present.add("wholeTextBitsPerByte");
            }
            if (event.wholeTextWordPerplexity() != null) {
                present.add("wholeTextWordPerplexity");
            }
            if (event.wholeTextTokens() != null) {
                present.add("wholeTextTokens");
            }
            if (!present.isEmpty()) {
                problems.add(String.join(", ", present) + " must be null without a wholeTextLoss: a whole-text"
                        + " figure is given whole or not at all");
            }
        }
        if (version1 || method == null) {
            return;
        }
        if (runConfig != null && runConfig.evaluation() != null && method.equals(runConfig.evaluation().heldout())) {
            EvaluationSettings evaluation = runConfig.evaluation();
            boolean due = evaluation.wholeTextAt(event.generation(), runConfig.generations());
            if (due && !whole) {
                problems.add("wholeTextLoss is missing, but generation " + event.generation() + " gets the whole-text"
                        + " figure (evaluation.wholeTextEvery " + evaluation.wholeTextEvery() + ", generation 0 and"
                        + " the last, " + runConfig.generations() + ")");
            } else if (!due && whole) {
                problems.add("wholeTextLoss must be null: generation " + event.generation() + " gets no whole-text"
                        + " figure (evaluation.wholeTextEvery " + evaluation.wholeTextEvery() + "), was "
                        + event.wholeTextLoss());
            }
        } else if (EvaluationSettings.WHOLE_TEXT.equals(method) && !whole) {
            problems.add("wholeTextLoss is missing, but heldoutMethod 'whole' has the whole-text figure in every"
                    + " generation");
        }
    }

    private static boolean runId(String runId, List<String> problems) {
        if (runId == null) {
            problems.add("runId is missing");
            return false;
        }
        if (!RUN_ID.matcher(runId).matches()) {
            problems.add("runId must match " + RUN_ID.pattern() + ", was " + quote(runId));
            return false;
        }
        return true;
    }

    private static void producer(ProducerInfo producer, String field, List<String> problems) {
        if (producer == null) {
            problems.add(field + " is missing");
            return;
        }
        matches(producer.service(), SERVICE, field + ".service", problems);
        matches(producer.instance(), INSTANCE, field + ".instance", problems);
        matches(producer.version(), VERSION, field + ".version", problems);
    }

    private static void objectRef(ObjectRef ref, String field, String runId, List<String> problems) {
        if (ref == null) {
            problems.add(field + " is missing");
            return;
        }
        s3Uri(ref.uri(), field + ".uri", runId, problems);
        digest(ref.sha256(), field + ".sha256", problems);
        if (ref.size() < 1) {
            problems.add(field + ".size must be positive, was " + ref.size());
        }
    }

    private static void s3Uri(String uri, String field, String runId, List<String> problems) {
        if (uri == null) {
            problems.add(field + " is missing");
            return;
        }
        Matcher matcher = S3_URI.matcher(uri);
        if (!matcher.matches() || matcher.group(2).isEmpty()) {
            problems.add(field + " must be an s3://bucket/key URI, was " + quote(uri));
            return;
        }
        String bucket = matcher.group(1);
        String key = matcher.group(2);
        if (!BUCKET.matcher(bucket).matches()) {
            problems.add(field + " names bucket " + quote(bucket) + "; a bucket name has 3-63 lowercase letters, "
                    + "digits, dots or hyphens and starts and ends with a letter or digit");
        }
        // Checked before the prefix: "runs/<id>/../other" starts with the prefix yet does not lie under it.
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                problems.add(field + " key must not contain empty, '.' or '..' segments, was " + quote(key));
                return;
            }
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            problems.add(field + " key must be at most " + MAX_KEY_BYTES + " bytes long");
        }
        // Without a valid run id there is no prefix to compare with; the run id's own problem says why.
        if (runId != null && RUN_ID.matcher(runId).matches()) {
            String prefix = "runs/" + runId + "/";
            if (!key.startsWith(prefix) || key.length() == prefix.length()) {
                problems.add(field + " key must lie under " + prefix + ", was " + quote(key));
            }
        }
    }

    private static void digest(String value, String field, List<String> problems) {
        if (value == null) {
            problems.add(field + " is missing");
        } else if (!SHA256_HEX.matcher(value).matches()) {
            problems.add(field + " must be a SHA-256 as 64 lowercase hex digits, was " + quote(value));
        }
    }

    private static void matches(String value, Pattern pattern, String field, List<String> problems) {
        if (value == null) {
            problems.add(field + " is missing");
        } else if (!pattern.matcher(value).matches()) {
            problems.add(field + " must match " + pattern.pattern() + ", was " + quote(value));
        }
    }

    private static void text(String value, String field, boolean required, int maxChars, List<String> problems) {
        if (value == null) {
            problems.add(field + " is missing");
        } else if (required && value.isBlank()) {
            problems.add(field + " must not be blank");
        } else if (value.length() > maxChars) {
            problems.add(field + " must be at most " + maxChars + " characters long, was " + value.length());
        }
    }

    private static void nonNegative(long value, String field, List<String> problems) {
        if (value < 0) {
            problems.add(field + " must not be negative, was " + value);
        }
    }

    private static void positive(Long value, String field, List<String> problems) {
        if (value == null) {
            problems.add(field + " is missing");
        } else if (value < 1) {
            problems.add(field + " must be positive, was " + value);
        }
    }

    private static void finiteNonNegative(Double value, String field, List<String> problems) {
        if (value == null) {
            problems.add(field + " is missing");
        } else if (!(Double.isFinite(value) && value >= 0)) {
            problems.add(field + " must be a finite number >= 0, was " + value);
        }
    }

    private static void perplexity(Double value, String field, List<String> problems) {
        if (value == null) {
            problems.add(field + " is missing");
        } else if (!(Double.isFinite(value) && value >= 1)) {
            problems.add(field + " must be a finite number >= 1 (the exponential of a loss), was " + value);
        }
    }

    private static void fraction(Double value, String field, List<String> problems) {
        if (value == null) {
            problems.add(field + " is missing");
        } else if (!(value >= 0 && value <= 1)) {
            problems.add(field + " must be in [0, 1], was " + value);
        }
    }

    /** A value quoted for a message, shortened so that a huge malformed field cannot flood logs. */
    private static String quote(String value) {
        return value.length() <= MAX_QUOTED_CHARS
                ? "'" + value + "'"
                : "'" + value.substring(0, MAX_QUOTED_CHARS) + "…' (" + value.length() + " characters)";
    }
}
