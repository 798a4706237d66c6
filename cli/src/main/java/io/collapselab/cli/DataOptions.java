package io.collapselab.cli;

import io.collapselab.lm.data.TextFiles;
import io.collapselab.lm.data.Wikitext2;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where the real texts come from: explicit files (WikiText-2's or any other, such as Penn Treebank's), or a data
 * directory holding WikiText-2 (the training text is its test split, the held-out text its valid split), named by
 * {@code --data-dir} or {@code $COLLAPSE_DATA_DIR}. Without either, the copy of those two splits that ships with
 * the project, so a run needs no network.
 */
final class DataOptions {

    static final String DATA_DIR_ENV = "COLLAPSE_DATA_DIR";
    /** Where {@code collapse data download} saves the full release when neither names a directory. */
    static final Path DEFAULT_DATA_DIR = Path.of(".collapse", "data");

    /** The run's real texts, read and checked, and where each came from as the user would name it. */
    record RealTexts(String trainSource, byte[] train, String heldoutSource, byte[] heldout) {
    }

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory holding wikitext-2/test.txt (training) and wikitext-2/valid.txt (held-out). "
                    + "Default: $" + DATA_DIR_ENV + ", else the copy of both that ships with collapse-lab.")
    Path dataDir;

    @Option(names = "--train-text", paramLabel = "FILE",
            description = "Real training text, e.g. Penn Treebank's ptb.train.txt (overrides --data-dir).")
    Path trainText;

    @Option(names = "--heldout-text", paramLabel = "FILE",
            description = "Real held-out text, e.g. Penn Treebank's ptb.valid.txt (overrides --data-dir).")
    Path heldoutText;

    /** Where {@code $COLLAPSE_DATA_DIR} is read from; a seam for tests, which cannot set the process environment. */
    Function<String, String> environment = System::getenv;

    RealTexts read() {
        try {
            Wikitext2 wikitext = trainText == null || heldoutText == null ? locateWikitext() : null;
            Path train = trainText != null ? trainText : wikitext == null ? null : wikitext.trainText();
            Path heldout = heldoutText != null ? heldoutText : wikitext == null ? null : wikitext.heldoutText();
            return new RealTexts(
                    train == null ? Wikitext2.SHIPPED + Wikitext2.TRAIN_FILE : train.toString(),
                    train == null ? Wikitext2.shippedTrainText()
                            : TextFiles.read(train, "training text", "--train-text"),
                    heldout == null ? Wikitext2.SHIPPED + Wikitext2.HELDOUT_FILE : heldout.toString(),
                    heldout == null ? Wikitext2.shippedHeldoutText()
                            : TextFiles.read(heldout, "held-out text", "--heldout-text"));
        } catch (IOException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /** The WikiText-2 directory the user named, or null for the shipped copy. */
    private Wikitext2 locateWikitext() throws IOException {
        Path named = namedDataDir(dataDir, environment);
        return named == null ? null : Wikitext2.locate(named);
    }

    /** {@code option}, else {@code $COLLAPSE_DATA_DIR}, else null. */
    static Path namedDataDir(Path option, Function<String, String> environment) {
        if (option != null) {
            return option;
        }
        String fromEnvironment = environment.apply(DATA_DIR_ENV);
        return fromEnvironment == null || fromEnvironment.isBlank() ? null : Path.of(fromEnvironment);
    }
}
