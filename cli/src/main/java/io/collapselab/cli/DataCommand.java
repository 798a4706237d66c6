package io.collapselab.cli;

import io.collapselab.lm.Sha256;
import io.collapselab.lm.data.Wikitext2;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code collapse data}: where the real texts come from, and the download of the full WikiText-2 release. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = {"Says where the real texts of a run come from (the same options as 'loop' and 'demo') and "
                + "the licence of the WikiText-2 copy that ships with collapse-lab.",
                "'collapse data download' fetches the full release, its train split included."},
        subcommands = DataCommand.Download.class)
final class DataCommand implements Callable<Integer> {

    @Mixin
    DataOptions data;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DataOptions.RealTexts texts = data.read();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "training text: %s (%,d bytes, sha256 %s)%n", texts.trainSource(),
                texts.train().length, Sha256.hex(texts.train()));
        out.printf(Locale.ROOT, "held-out text: %s (%,d bytes, sha256 %s)%n", texts.heldoutSource(),
                texts.heldout().length, Sha256.hex(texts.heldout()));
        out.println();
        out.print(Wikitext2.shippedNotice());
        out.flush();
        return CollapseMain.OK;
    }

    /** {@code collapse data download}: the whole tokenised release into a data directory. */
    @Command(name = "download", mixinStandardHelpOptions = true,
            description = {"Downloads the tokenised WikiText-2 v1 release and saves its test, valid and train splits "
                    + "as wikitext-2/test.txt, valid.txt and train.txt, checking the first two against the "
                    + "digests of the shipped copy.",
                    "Runs use the directory when given --data-dir DIR or COLLAPSE_DATA_DIR; --train-text "
                            + "DIR/wikitext-2/train.txt trains on the release's own training split."})
    static final class Download implements Callable<Integer> {

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Where to save wikitext-2/ (default: $" + DataOptions.DATA_DIR_ENV
                        + ", else .collapse/data).")
        Path dataDir;

        @Option(names = "--archive", paramLabel = "URI",
                description = "The zip to fetch (default: ${DEFAULT-VALUE}); file: URIs read a local copy.")
        URI archive = Wikitext2.DEFAULT_ARCHIVE;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Path named = DataOptions.namedDataDir(dataDir, System::getenv);
            Path target = named != null ? named : DataOptions.DEFAULT_DATA_DIR;
            PrintWriter err = spec.commandLine().getErr();
            PrintWriter out = spec.commandLine().getOut();
            err.println("downloading " + archive);
            Wikitext2 wikitext = Wikitext2.download(target, archive, (bytes, total) -> err.print(total > 0
                    ? String.format(Locale.ROOT, "\r  %.1f of %.1f MB (%d%%)", bytes / 1e6, total / 1e6,
                            100 * bytes / total)
                    : String.format(Locale.ROOT, "\r  %.1f MB", bytes / 1e6)));
            err.flush();
            err.println();
            for (Path file : new Path[] {wikitext.trainText(), wikitext.heldoutText(), wikitext.trainSplitText()}) {
                out.println(file + "  sha256 " + Sha256.hex(file));
            }
            out.flush();
            return CollapseMain.OK;
        }
    }
}
