package io.collapselab.cli;

import io.collapselab.lm.data.TextFiles;
import io.collapselab.lm.data.Wikitext2;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the real texts come from: explicit files, or a data directory holding WikiText-2 (the training text is its
 * test split, the held-out text its valid split). Without either, {@code $COLLAPSE_DATA_DIR}, else
 * {@code .collapse/data}, into which WikiText-2 is downloaded on first use.
 */
final class DataOptions {

    static final String DATA_DIR_ENV = "COLLAPSE_DATA_DIR";
    static final Path DEFAULT_DATA_DIR = Path.of(".collapse", "data");

    /** The run's real texts, read and checked. */
    record RealTexts(Path trainFile, byte[] train, Path heldoutFile, byte[] heldout) {
    }

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory holding wikitext-2/test.txt (training) and wikitext-2/valid.txt (held-out). "
                    + "Default: $" + DATA_DIR_ENV + ", else .collapse/data (WikiText-2 is downloaded there once).")
    Path dataDir;

    @Option(names = "--train-text", paramLabel = "FILE", description = "Real training text (overrides --data-dir).")
    Path trainText;

    @Option(names = "--heldout-text", paramLabel = "FILE", description = "Real held-out text (overrides --data-dir).")
    Path heldoutText;

    RealTexts read() {
        try {
            Path train = trainText;
            Path heldout = heldoutText;
            if (train == null || heldout == null) {
                Wikitext2 wikitext = locateWikitext();
                train = train != null ? train : wikitext.trainText();
                heldout = heldout != null ? heldout : wikitext.heldoutText();
            }
            return new RealTexts(train, TextFiles.read(train, "training text", "--train-text"),
                    heldout, TextFiles.read(heldout, "held-out text", "--heldout-text"));
        } catch (IOException e) {
            throw new UsageError(e.getMessage());
        }
    }

    private Wikitext2 locateWikitext() throws IOException {
        if (dataDir != null) {
            return Wikitext2.locate(dataDir);
        }
        String fromEnvironment = System.getenv(DATA_DIR_ENV);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Wikitext2.locate(Path.of(fromEnvironment));
        }
        return Wikitext2.locateOrDownload(DEFAULT_DATA_DIR);
    }
}
