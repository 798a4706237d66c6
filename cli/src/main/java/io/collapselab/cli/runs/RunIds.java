package io.collapselab.cli.runs;

import io.collapselab.events.EventValidator;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Run ids: the Kafka key of every event of a run and a segment of every object key, so they are restricted to
 * {@code [a-z0-9][a-z0-9-]{0,62}} (see {@link EventValidator#RUN_ID}).
 */
public final class RunIds {

    private static final int MAX_LENGTH = 63;
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int SUFFIX_LENGTH = 4;
    // "-" + stamp + "-" + suffix
    private static final int GENERATED_TAIL = 1 + 15 + 1 + SUFFIX_LENGTH;
    private static final RandomGenerator RANDOM = new SecureRandom();

    private RunIds() {
    }

    public static boolean isValid(String runId) {
        return runId != null && EventValidator.RUN_ID.matcher(runId).matches();
    }

    /** Returns {@code runId}, or throws {@link IllegalArgumentException} saying what a run id may look like. */
    public static String requireValid(String runId) {
        if (!isValid(runId)) {
            throw new IllegalArgumentException(problem(runId));
        }
        return runId;
    }

    /** Why {@code runId} is not a run id; only meaningful when {@link #isValid} is false. */
    public static String problem(String runId) {
        return "run id '" + runId + "' is invalid: use 1 to " + MAX_LENGTH + " characters of a-z, 0-9 and '-',"
                + " starting with a letter or digit";
    }

    /**
     * A new run id {@code <prefix>-<yyyyMMdd-HHmmss>-<4 random [a-z0-9]>}, the time in UTC so that ids made on
     * machines in different time zones sort together. The prefix (usually the preset or config name) is
     * lower-cased, every run of other characters becomes one '-', and it is shortened to keep the id within 63
     * characters; an empty result becomes {@code run}. The random suffix keeps ids apart when several runs of the
     * same experiment are submitted within a second.
     */
    public static String fresh(String prefix) {
        return fresh(prefix, Clock.systemUTC(), RANDOM);
    }

    static String fresh(String prefix, Clock clock, RandomGenerator random) {
        StringBuilder id = new StringBuilder(sanitize(prefix)).append('-').append(STAMP.format(clock.instant()))
                .append('-');
        for (int i = 0; i < SUFFIX_LENGTH; i++) {
            id.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
        }
        return requireValid(id.toString());
    }

    private static String sanitize(String prefix) {
        String cleaned = (prefix == null ? "" : prefix.toLowerCase(Locale.ROOT))
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+", "");
        if (cleaned.length() > MAX_LENGTH - GENERATED_TAIL) {
            cleaned = cleaned.substring(0, MAX_LENGTH - GENERATED_TAIL);
        }
        cleaned = cleaned.replaceAll("-+$", "");
        return cleaned.isEmpty() ? "run" : cleaned;
    }
}
