package io.collapselab.artifacts;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The key of an object in the artifact store, built only from validated parts, so that no run id or file name
 * can escape its run's prefix or collide with another layout:
 * <ul>
 *   <li>{@code runs/<runId>/gen-<NNNN>/checkpoint.bin}: the model after generation NNNN's training;</li>
 *   <li>{@code runs/<runId>/gen-<NNNN>/corpus.txt}: the text generation NNNN's model sampled;</li>
 *   <li>{@code runs/<runId>/gen-<NNNN>/corpus-tokens.bin}: the token ids that text was decoded from;</li>
 *   <li>{@code runs/<runId>/gen-<NNNN>/<name>.json}: small JSON files about generation NNNN that services keep
 *       next to its artifacts (the events they publish, partial results);</li>
 *   <li>{@code runs/<runId>/inputs/<name>}: the real texts a run was started with;</li>
 *   <li>{@code models/<sha256>/<file>}: a file of a pretrained model ({@code config.json},
 *       {@code model.safetensors}) under the digest of its own content, shared by every run that starts from it,
 *       so it belongs to no run.</li>
 * </ul>
 * A run id matches {@code [a-z0-9][a-z0-9-]{0,62}}, a generation is 0 to 9999 (zero-padded to four digits), and
 * an input name matches {@code [a-z0-9][a-z0-9._-]{0,62}} without {@code ..}, and a generation file name matches
 * {@code [a-z0-9][a-z0-9-]{0,57}\.json} (so it can never be taken for the checkpoint, the corpus or its ids).
 */
public final class ObjectKey {

    public static final int MAX_GENERATION = 9999;

    /**
     * The {@link #generationFile generation files} in which services save the events they publish, beside the
     * objects the events name, before publishing them: the trainer's checkpoint event, the generator's corpus
     * event, the evaluator's evaluation event, and the event that ended the run at that generation.
     */
    public static final String CHECKPOINT_EVENT = "checkpoint-event.json";
    public static final String CORPUS_EVENT = "corpus-event.json";
    public static final String EVALUATION_EVENT = "evaluation-event.json";
    public static final String RUN_COMPLETED_EVENT = "run-completed-event.json";

    private static final String RUNS = "runs";
    private static final String MODELS = "models";
    private static final Set<String> MODEL_FILES = Set.of("config.json", "model.safetensors");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final String INPUTS = "inputs";
    private static final String CHECKPOINT = "checkpoint.bin";
    private static final String CORPUS = "corpus.txt";
    private static final String CORPUS_TOKENS = "corpus-tokens.bin";
    private static final String S3_SCHEME = "s3://";
    private static final Pattern RUN_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern INPUT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern GENERATION_FILE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,57}\\.json");
    private static final Pattern GENERATION_DIR = Pattern.compile("gen-(\\d{4})");
    private static final String LAYOUT = "runs/<runId>/gen-<NNNN>/checkpoint.bin, runs/<runId>/gen-<NNNN>/corpus.txt,"
            + " runs/<runId>/gen-<NNNN>/corpus-tokens.bin, runs/<runId>/gen-<NNNN>/<name>.json,"
            + " runs/<runId>/inputs/<name> or models/<sha256>/<file>";

    private final String runId;
    private final String key;

    private ObjectKey(String runId, String key) {
        this.runId = runId;
        this.key = key;
    }

    public static ObjectKey checkpoint(String runId, int generation) {
        return new ObjectKey(requireRunId(runId), generationPrefix(runId, generation) + CHECKPOINT);
    }

    /** The objects of generation {@code generation}'s checkpoint: what a retention policy removes. */
    public static List<ObjectKey> checkpointObjects(String runId, int generation) {
        return List.of(checkpoint(runId, generation));
    }

    public static ObjectKey corpus(String runId, int generation) {
        return new ObjectKey(requireRunId(runId), generationPrefix(runId, generation) + CORPUS);
    }

    public static ObjectKey corpusTokens(String runId, int generation) {
        return new ObjectKey(requireRunId(runId), generationPrefix(runId, generation) + CORPUS_TOKENS);
    }

    /** A JSON file about one generation, e.g. {@code runs/r1/gen-0003/checkpoint-event.json}. */
    public static ObjectKey generationFile(String runId, int generation, String name) {
        return new ObjectKey(requireRunId(runId), generationPrefix(runId, generation) + requireGenerationFileName(name));
    }

    public static ObjectKey input(String runId, String name) {
        return new ObjectKey(requireRunId(runId), runPrefix(runId) + INPUTS + "/" + requireInputName(name));
    }

    /**
     * A pretrained model's file under the SHA-256 of its content.
     *
     * @param file {@code config.json} or {@code model.safetensors}
     */
    public static ObjectKey modelFile(String sha256, String file) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("model file digest '" + sha256 + "' is not 64 lowercase hex digits");
        }
        if (!MODEL_FILES.contains(file)) {
            throw new IllegalArgumentException("model file '" + file + "' is none of " + MODEL_FILES);
        }
        return new ObjectKey(null, MODELS + "/" + sha256 + "/" + file);
    }

    /**
     * The key an {@code s3://bucket/key} URI (as carried by events) names, checked against the layout and against
     * the bucket this store uses, so that an event can never point a service at another bucket or a foreign key.
     */
    public static ObjectKey parseUri(String s3Uri, String expectedBucket) {
        Objects.requireNonNull(expectedBucket, "expectedBucket");
        if (s3Uri == null || !s3Uri.startsWith(S3_SCHEME)) {
            throw new IllegalArgumentException("'" + s3Uri + "' is not an s3:// URI; expected s3://"
                    + expectedBucket + "/" + LAYOUT);
        }
        String path = s3Uri.substring(S3_SCHEME.length());
        int slash = path.indexOf('/');
        if (slash < 0 || slash == path.length() - 1) {
            throw new IllegalArgumentException("s3 URI '" + s3Uri + "' names no object key; expected s3://"
                    + expectedBucket + "/" + LAYOUT);
        }
        String bucket = path.substring(0, slash);
        if (!bucket.equals(expectedBucket)) {
            throw new IllegalArgumentException("s3 URI '" + s3Uri + "' is in bucket '" + bucket
                    + "', but this store uses bucket '" + expectedBucket + "'");
        }
        try {
            return parseKey(path.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("s3 URI '" + s3Uri + "': " + e.getMessage(), e);
        }
    }

    /** The key of a stored object, as a listing returns it. */
    static ObjectKey parseKey(String key) {
        String[] parts = key.split("/", -1);
        if (parts.length == 3 && parts[0].equals(MODELS)) {
            try {
                return modelFile(parts[1], parts[2]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("key '" + key + "' does not follow the layout " + LAYOUT, e);
            }
        }
        if (parts.length != 4 || !parts[0].equals(RUNS)) {
            throw new IllegalArgumentException("key '" + key + "' does not follow the layout " + LAYOUT);
        }
        String runId = parts[1];
        if (parts[2].equals(INPUTS)) {
            return input(runId, parts[3]);
        }
        var generationDir = GENERATION_DIR.matcher(parts[2]);
        if (generationDir.matches()) {
            int generation = Integer.parseInt(generationDir.group(1));
            switch (parts[3]) {
                case CHECKPOINT:
                    return checkpoint(runId, generation);
                case CORPUS:
                    return corpus(runId, generation);
                case CORPUS_TOKENS:
                    return corpusTokens(runId, generation);
                default:
                    if (GENERATION_FILE_NAME.matcher(parts[3]).matches()) {
                        return generationFile(runId, generation, parts[3]);
                    }
                    break;
            }
        }
        throw new IllegalArgumentException("key '" + key + "' does not follow the layout " + LAYOUT);
    }

    /** {@code runs/<runId>/}: the prefix under which all of a run's objects live. */
    static String runPrefix(String runId) {
        return RUNS + "/" + requireRunId(runId) + "/";
    }

    /** The run the object belongs to; {@code null} for a model file, which runs share. */
    public String runId() {
        return runId;
    }

    /** The S3 object key, e.g. {@code runs/r1/gen-0003/checkpoint.bin}. */
    public String key() {
        return key;
    }

    /** {@code s3://<bucket>/<key>}. */
    public String toUri(String bucket) {
        return S3_SCHEME + S3Settings.requireValidBucket(bucket) + "/" + key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectKey other && key.equals(other.key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return key;
    }

    private static String generationPrefix(String runId, int generation) {
        if (generation < 0 || generation > MAX_GENERATION) {
            throw new IllegalArgumentException("generation " + generation + " of run '" + runId
                    + "' is out of range 0.." + MAX_GENERATION);
        }
        return runPrefix(runId) + String.format("gen-%04d/", generation);
    }

    private static String requireRunId(String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("run id '" + runId + "' is invalid: use 1 to 63 characters of"
                    + " [a-z0-9-], starting with a letter or digit");
        }
        return runId;
    }

    private static String requireGenerationFileName(String name) {
        if (name == null || !GENERATION_FILE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("generation file name '" + name + "' is invalid: use 1 to 58"
                    + " characters of [a-z0-9-], starting with a letter or digit, followed by .json");
        }
        return name;
    }

    private static String requireInputName(String name) {
        if (name == null || !INPUT_NAME.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("input name '" + name + "' is invalid: use 1 to 63 characters of"
                    + " [a-z0-9._-], starting with a letter or digit, without '..'");
        }
        return name;
    }
}
