package io.collapselab.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many tokens a generation samples for its corpus ({@code sampling.tokensPerGeneration}): a number of tokens,
 * or a multiple of the real training text's size in tokens under the run's tokenizer ({@value #REAL_SIZE},
 * {@code "2x real-size"}, {@code "0.5x real-size"}), so that each synthetic set can match the real one as in
 * Gerstgrasser et al. 2024. Exactly one of {@code tokens} and {@code realSizeMultiple} is set. A relative size is
 * resolved once per run, by {@link ExperimentConfig#corpusTokens}.
 *
 * <p>In JSON a number of tokens is a number, as it always was, and a relative size is its text.
 */
public record CorpusSize(Long tokens, Double realSizeMultiple) {

    /** The size of the real training text, in tokens of the run's tokenizer. */
    public static final String REAL_SIZE = "real-size";

    /** The most tokens one corpus may hold. */
    public static final long MAX_TOKENS = 1_000_000_000;

    /** The largest multiple of the real training text's size that a corpus may be. */
    public static final int MAX_MULTIPLE = 1_000;

    private static final String FIELD = "sampling.tokensPerGeneration";
    private static final String FORMS = "a number of tokens, '" + REAL_SIZE + "' or a multiple of it such as '2x "
            + REAL_SIZE + "' or '0.5x " + REAL_SIZE + "'";
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern MULTIPLE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)\\s*x\\s*"
            + Pattern.quote(REAL_SIZE));

    public CorpusSize {
        if ((tokens == null) == (realSizeMultiple == null)) {
            throw new IllegalArgumentException("a corpus size is a number of tokens or a multiple of " + REAL_SIZE
                    + ", exactly one of them; got tokens " + tokens + " and multiple " + realSizeMultiple);
        }
    }

    public static CorpusSize ofTokens(long count) {
        return new CorpusSize(count, null);
    }

    public static CorpusSize ofRealSize(double multiple) {
        return new CorpusSize(null, multiple);
    }

    /**
     * A size as written on a command line or in a config file: digits, {@value #REAL_SIZE}, or a multiple such as
     * {@code 2x real-size}.
     *
     * @throws IllegalArgumentException naming the field and the accepted forms, when the text is none of them
     */
    public static CorpusSize parse(String text) {
        String form = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (DIGITS.matcher(form).matches()) {
            try {
                return ofTokens(Long.parseLong(form));
            } catch (NumberFormatException tooLong) {
                throw new IllegalArgumentException(FIELD + " must be between 1 and " + MAX_TOKENS + ", was " + form);
            }
        }
        if (REAL_SIZE.equals(form)) {
            return ofRealSize(1);
        }
        Matcher multiple = MULTIPLE.matcher(form);
        if (multiple.matches()) {
            return ofRealSize(Double.parseDouble(multiple.group(1)));
        }
        throw new IllegalArgumentException(FIELD + " must be " + FORMS + ", was '" + text + "'");
    }

    /** Reads the JSON form: a whole number of tokens, or a text that {@link #parse} reads. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static CorpusSize fromJson(Object json) {
        if (json instanceof Integer || json instanceof Long) {
            return ofTokens(((Number) json).longValue());
        }
        if (json instanceof String text) {
            return parse(text);
        }
        throw new IllegalArgumentException(FIELD + " must be " + FORMS + ", was " + json);
    }

    /** The JSON form: a number of tokens as a number, a relative size as its text. */
    @JsonValue
    Object json() {
        return tokens != null ? tokens : toString();
    }

    /** Whether the size depends on the real training text. */
    public boolean isRelative() {
        return realSizeMultiple != null;
    }

    /**
     * The size in tokens: the number of tokens, or the multiple of {@code realTrainTokens} rounded to a whole
     * token.
     */
    public long resolve(long realTrainTokens) {
        return tokens != null ? tokens : Math.round(realSizeMultiple * realTrainTokens);
    }

    void problems(List<String> problems) {
        if (tokens != null && (tokens < 1 || tokens > MAX_TOKENS)) {
            problems.add(FIELD + " must be between 1 and " + MAX_TOKENS + ", was " + tokens);
        }
        if (realSizeMultiple != null && !(realSizeMultiple > 0 && realSizeMultiple <= MAX_MULTIPLE)) {
            problems.add(FIELD + " must be a multiple of " + REAL_SIZE + " in (0, " + MAX_MULTIPLE + "], was '"
                    + this + "'");
        }
    }

    /** The written form: the number of tokens, {@value #REAL_SIZE}, or {@code Mx real-size}. */
    @Override
    public String toString() {
        if (tokens != null) {
            return Long.toString(tokens);
        }
        if (realSizeMultiple == 1) {
            return REAL_SIZE;
        }
        String multiple = Double.isFinite(realSizeMultiple)
                ? BigDecimal.valueOf(realSizeMultiple).stripTrailingZeros().toPlainString()
                : realSizeMultiple.toString();
        return multiple + "x " + REAL_SIZE;
    }
}
