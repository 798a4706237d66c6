package io.collapselab.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One line that says what is wrong and what to do; a stack trace only with {@code --verbose}. */
final class ErrorHandling {

    private ErrorHandling() {
    }

    static int onBadOption(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("collapse: " + e.getMessage());
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            List<String> closest = closest(unmatched.getUnmatched().get(0), unmatched.getSuggestions());
            if (!closest.isEmpty()) {
                err.println("Did you mean " + String.join(" or ", closest) + "?");
            }
        }
        err.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
        return CollapseMain.BAD_INPUT;
    }

    static int onFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        boolean verbose = false;
        for (CommandLine.ParseResult level = parseResult; level != null; level = level.subcommand()) {
            verbose |= level.hasMatchedOption("--verbose");
        }
        if (e instanceof UsageError) {
            err.println("collapse: " + e.getMessage());
            return CollapseMain.BAD_INPUT;
        }
        err.println("collapse: " + describe(e));
        if (verbose) {
            e.printStackTrace(err);
        } else {
            err.println("(run again with --verbose for the stack trace)");
        }
        return CollapseMain.FAILED;
    }

    /**
     * Of picocli's candidates (options sharing the typed one's first letters, commands that look alike), those
     * nearest to what was typed: a typo of {@code --heldout-text} suggests it, not {@code --help} as well.
     */
    static List<String> closest(String typed, List<String> candidates) {
        Map<String, Integer> distances = new LinkedHashMap<>();
        candidates.forEach(candidate -> distances.put(candidate, editDistance(typed, candidate)));
        int nearest = distances.values().stream().min(Integer::compare).orElse(Integer.MAX_VALUE);
        if (nearest > Math.max(2, typed.length() / 3)) {
            return List.of();
        }
        return distances.entrySet().stream().filter(entry -> entry.getValue() == nearest).map(Map.Entry::getKey)
                .toList();
    }

    /** Levenshtein distance: insertions, deletions and substitutions of one character each. */
    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
