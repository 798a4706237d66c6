package io.collapselab.cli;

import io.collapselab.cli.hub.ByteSizes;
import io.collapselab.cli.hub.HubModels;
import io.collapselab.cli.hub.HubSettings;
import io.collapselab.cli.hub.TransferProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code collapse models pull|list}: GPT-2-architecture models from the Hugging Face Hub, in the hub's cache. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"Models from the Hugging Face Hub with GPT-2's architecture (gpt2, gpt2-medium, distilgpt2,"
                + " ORG/NAME fine-tunes), kept in the hub's own cache, which Python's tools share: $"
                + HubSettings.HUB_CACHE_ENV + ", else $" + HubSettings.HOME_ENV + "/hub, else"
                + " $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub.",
                "The hub is $" + HubSettings.ENDPOINT_ENV + " (default " + HubSettings.DEFAULT_ENDPOINT + "); $"
                        + HubSettings.TOKEN_ENV + ", when set, signs in (for private or gated models) and is never"
                        + " printed."},
        subcommands = {ModelsCommand.Pull.class, ModelsCommand.ListModels.class})
final class ModelsCommand implements Callable<Integer> {

    // Seams for tests, which can set neither the process environment nor wait for real back-off.
    Function<String, String> environment = System::getenv;
    Duration retryDelay = Duration.ofSeconds(1);

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces of failures.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "say what to do: collapse models pull REPO, or collapse"
                + " models list");
    }

    HubModels models() {
        return new HubModels(HubSettings.from(environment), retryDelay);
    }

    /** {@code collapse models pull REPO [--revision REV]}. */
    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = {"Downloads " + HubModels.CONFIG + " and " + HubModels.WEIGHTS + " of a model into the"
                    + " cache, resuming an interrupted download, and checks each file against the digest the hub"
                    + " announces (SHA-256 for LFS files, the git blob id for the others). Files already cached are"
                    + " not downloaded again.",
                    "Progress goes to standard error; where the model now is, to standard output."},
            exitCodeListHeading = "%nExit status:%n",
            exitCodeList = {"0:the model is in the cache",
                    "1:a download failed or did not match its digest (run again to resume)",
                    "2:bad input, unknown model, revision or file, no access, or the hub unreachable"})
    static final class Pull implements Callable<Integer> {

        @ParentCommand
        ModelsCommand parent;

        @Parameters(index = "0", paramLabel = "REPO",
                description = "The model's hub id: NAME or ORG/NAME, e.g. gpt2 or openai-community/gpt2.")
        String repo;

        @Option(names = "--revision", paramLabel = "REV", defaultValue = HubModels.DEFAULT_REVISION,
                description = "Branch, tag or commit id (default: ${DEFAULT-VALUE}).")
        String revision;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            HubModels.Pulled pulled = parent.models().pull(repo, revision,
                    new TransferProgress(err, System.console() != null));
            int width = pulled.files().stream().mapToInt(file -> file.name().length()).max().orElse(0);
            for (HubModels.PulledFile file : pulled.files()) {
                out.printf(Locale.ROOT, "%-" + width + "s  %9s  %s%n", file.name(), ByteSizes.of(file.size()),
                        file.downloaded() ? "downloaded, verified" : "already cached");
            }
            out.println(pulled.repo() + " at " + pulled.revision() + (pulled.revision().equals(pulled.commit()) ? ""
                    : " (commit " + pulled.commit() + ")") + " is in " + pulled.snapshot());
            out.flush();
            return CollapseMain.OK;
        }
    }

    /** {@code collapse models list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the cached models: repo, revisions, commit, size on disk and the parameters stored"
                    + " in " + HubModels.WEIGHTS + " (read from its header only).")
    static final class ListModels implements Callable<Integer> {

        @ParentCommand
        ModelsCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            HubModels models = parent.models();
            List<HubModels.Cached> cached = models.list();
            if (cached.isEmpty()) {
                out.println("no models in " + models.cacheDir() + "; collapse models pull gpt2 downloads one");
                out.flush();
                return CollapseMain.OK;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"repo", "revision", "commit", "size", "parameters", ""});
            for (HubModels.Cached model : cached) {
                rows.add(new String[] {model.repo().id(),
                        model.revisions().isEmpty() ? "-" : String.join(",", model.revisions()),
                        model.shortCommit(),
                        ByteSizes.of(model.bytes()),
                        model.parameters().isPresent() ? parameters(model.parameters().getAsLong()) : "-",
                        model.problem().orElse("")});
            }
            int[] widths = new int[rows.get(0).length];
            Arrays.fill(widths, 1);
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(String.format(Locale.ROOT, i == 3 || i == 4 ? "%" + widths[i] + "s" : "%-"
                            + widths[i] + "s", row[i])).append("  ");
                }
                out.println(line.toString().stripTrailing());
            }
            out.println("in " + models.cacheDir());
            out.flush();
            return CollapseMain.OK;
        }

        private static String parameters(long count) {
            if (count >= 1_000_000_000L) {
                return String.format(Locale.ROOT, "%.2fB", count / 1e9);
            }
            if (count >= 1_000_000L) {
                return String.format(Locale.ROOT, "%.1fM", count / 1e6);
            }
            return count >= 1000 ? String.format(Locale.ROOT, "%.1fK", count / 1e3) : Long.toString(count);
        }
    }
}
