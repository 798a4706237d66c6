package io.collapselab.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeyTest {

    @Test
    void laysOutCheckpointsCorporaAndInputsUnderTheRun() {
        assertEquals("runs/run-1/gen-0000/checkpoint.bin", ObjectKey.checkpoint("run-1", 0).key());
        assertEquals("runs/run-1/gen-0042/corpus.txt", ObjectKey.corpus("run-1", 42).key());
        assertEquals("runs/run-1/gen-0042/corpus-tokens.bin", ObjectKey.corpusTokens("run-1", 42).key());
        assertEquals("runs/run-1/gen-9999/checkpoint.bin", ObjectKey.checkpoint("run-1", 9999).key());
        assertEquals("runs/run-1/inputs/wiki.test.tokens", ObjectKey.input("run-1", "wiki.test.tokens").key());
        assertEquals("run-1", ObjectKey.corpus("run-1", 3).runId());
    }

    @Test
    void buildsS3Uris() {
        assertEquals("s3://collapse/runs/r/gen-0007/corpus.txt", ObjectKey.corpus("r", 7).toUri("collapse"));
        assertThrows(IllegalArgumentException.class, () -> ObjectKey.corpus("r", 7).toUri("Bad_Bucket"));
    }

    @Test
    void equalKeysAreEqual() {
        assertEquals(ObjectKey.checkpoint("r", 1), ObjectKey.parseKey("runs/r/gen-0001/checkpoint.bin"));
        assertEquals(ObjectKey.trainingState("r", 1), ObjectKey.parseKey("runs/r/gen-0001/training-state.bin"));
        assertEquals(ObjectKey.checkpoint("r", 1).hashCode(), ObjectKey.checkpoint("r", 1).hashCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-run", "Run", "run_1", "run/1", "run.1", "../x",
            "a234567890123456789012345678901234567890123456789012345678901234"})
    void rejectsRunIdsOutsideThePattern(String runId) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ObjectKey.checkpoint(runId, 0));
        assertEquals("run id '" + runId + "' is invalid: use 1 to 63 characters of [a-z0-9-], starting with a"
                + " letter or digit", e.getMessage());
    }

    @Test
    void acceptsRunIdsAtTheLengthLimit() {
        String runId = "a".repeat(63);
        assertEquals("runs/" + runId + "/inputs/train.txt", ObjectKey.input(runId, "train.txt").key());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 10_000, Integer.MAX_VALUE})
    void rejectsGenerationsOutsideFourDigits(int generation) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ObjectKey.corpus("r", generation));
        assertEquals("generation " + generation + " of run 'r' is out of range 0..9999", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".hidden", "a..b", "a/b", "Train.txt", "-x", "white space"})
    void rejectsUnsafeInputNames(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ObjectKey.input("r", name));
        assertTrue(e.getMessage().startsWith("input name '" + name + "' is invalid"), e.getMessage());
    }

    @Test
    void laysOutGenerationFilesNextToTheGenerationsArtifacts() {
        assertEquals("runs/r/gen-0003/checkpoint-event.json",
                ObjectKey.generationFile("r", 3, "checkpoint-event.json").key());
        assertEquals(ObjectKey.generationFile("r", 3, "corpus-evaluation.json"),
                ObjectKey.parseUri("s3://collapse/runs/r/gen-0003/corpus-evaluation.json", "collapse"));
        assertEquals("a".repeat(58) + ".json", ObjectKey.generationFile("r", 0, "a".repeat(58) + ".json").key()
                .substring("runs/r/gen-0000/".length()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".json", "event.txt", "checkpoint.bin", "corpus.txt", "Event.json", "-event.json",
            "a/b.json", "../event.json", "event.json.bak", "event_1.json"})
    void rejectsGenerationFileNamesOutsideThePattern(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ObjectKey.generationFile("r", 0, name));
        assertTrue(e.getMessage().startsWith("generation file name '" + name + "' is invalid"), e.getMessage());
    }

    @Test
    void rejectsGenerationFileNamesOverTheLengthLimit() {
        assertThrows(IllegalArgumentException.class,
                () -> ObjectKey.generationFile("r", 0, "a".repeat(59) + ".json"));
    }

    @Test
    void parsesUrisOfEveryLayout() {
        assertEquals(ObjectKey.checkpoint("r-1", 12),
                ObjectKey.parseUri("s3://collapse/runs/r-1/gen-0012/checkpoint.bin", "collapse"));
        assertEquals(ObjectKey.corpus("r-1", 0),
                ObjectKey.parseUri("s3://collapse/runs/r-1/gen-0000/corpus.txt", "collapse"));
        assertEquals(ObjectKey.corpusTokens("r-1", 0),
                ObjectKey.parseUri("s3://collapse/runs/r-1/gen-0000/corpus-tokens.bin", "collapse"));
        assertEquals(ObjectKey.input("r-1", "heldout.txt"),
                ObjectKey.parseUri("s3://collapse/runs/r-1/inputs/heldout.txt", "collapse"));
    }

    @Test
    void refusesUrisOfAnotherBucket() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ObjectKey.parseUri("s3://other/runs/r/gen-0001/corpus.txt", "collapse"));
        assertEquals("s3 URI 's3://other/runs/r/gen-0001/corpus.txt' is in bucket 'other', but this store uses"
                + " bucket 'collapse'", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://collapse/runs/r/gen-0001/corpus.txt", "collapse/runs/r/gen-0001/corpus.txt",
            "S3://collapse/runs/r/gen-0001/corpus.txt"})
    void refusesNonS3Uris(String uri) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ObjectKey.parseUri(uri, "collapse"));
        assertTrue(e.getMessage().startsWith("'" + uri + "' is not an s3:// URI"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://collapse", "s3://collapse/"})
    void refusesUrisWithoutAKey(String uri) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ObjectKey.parseUri(uri, "collapse"));
        assertTrue(e.getMessage().startsWith("s3 URI '" + uri + "' names no object key"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"runs/r/gen-0001/weights.bin", "runs/r/gen-0001/Event.json", "runs/r/inputs2/x.json", "runs/r/gen-1/corpus.txt", "runs/r/gen-00001/corpus.txt",
            "runs/r/corpus.txt", "runs/r/gen-0001/corpus.txt/x", "models/r/gen-0001/corpus.txt",
            "runs/r/outputs/x.txt", "runs//gen-0001/corpus.txt"})
    void refusesKeysOutsideTheLayout(String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ObjectKey.parseUri("s3://collapse/" + key, "collapse"));
        assertTrue(e.getMessage().startsWith("s3 URI 's3://collapse/" + key + "': "), e.getMessage());
    }

    @Test
    void namesTheBadPartOfAnOtherwiseWellFormedUri() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ObjectKey.parseUri("s3://collapse/runs/Bad_Run/gen-0001/corpus.txt", "collapse"));
        assertEquals("s3 URI 's3://collapse/runs/Bad_Run/gen-0001/corpus.txt': run id 'Bad_Run' is invalid: use 1"
                + " to 63 characters of [a-z0-9-], starting with a letter or digit", e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> ObjectKey.parseUri("s3://collapse/runs/r/inputs/..", "collapse"));
        assertTrue(e.getMessage().contains("input name '..' is invalid"), e.getMessage());
    }

    @Test
    void roundTripsThroughItsUri() {
        ObjectKey key = ObjectKey.input("run-7", "wiki.valid.tokens");
        assertEquals(key, ObjectKey.parseUri(key.toUri("collapse"), "collapse"));
    }

    @Test
    void aModelFileLiesUnderItsOwnDigestAndBelongsToNoRun() {
        String sha = "ab".repeat(32);
        ObjectKey weights = ObjectKey.modelFile(sha, "model.safetensors");

        assertEquals("models/" + sha + "/model.safetensors", weights.key());
        assertEquals(null, weights.runId());
        assertEquals(weights, ObjectKey.parseUri(weights.toUri("collapse"), "collapse"));
        assertThrows(IllegalArgumentException.class, () -> ObjectKey.modelFile("AB".repeat(32), "config.json"));
        assertThrows(IllegalArgumentException.class, () -> ObjectKey.modelFile(sha, "vocab.json"));
        assertThrows(IllegalArgumentException.class, () -> ObjectKey.parseKey("models/" + sha + "/../x"));
    }
}
