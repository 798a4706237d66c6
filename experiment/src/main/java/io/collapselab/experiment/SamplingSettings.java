package io.collapselab.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;

/**
 * How a generation writes its corpus: {@code sequences} sequences sampled together (one batched forward pass
 * per position), each starting with {@code prompt} and continuing until the corpus holds
 * {@code tokensPerGeneration} sampled tokens in all: a number, or a multiple of the real training text's size
 * ({@link CorpusSize}). {@code topK} 0 and {@code topP} 1 disable those filters; top-k
 * keeps every token whose logit is not below the k-th largest (more than k on ties, as nanoGPT does).
 *
 * <p>{@code window}: what a token sees once a sequence is longer than the context. {@value #EXACT_WINDOW}: exactly
 * the last context-length tokens, cropped again at every position, as nanoGPT's {@code generate} (and so the
 * paper) does; past the context each position costs a forward pass over the whole window. {@value #FAST_WINDOW}:
 * a window that jumps by half the context at a time, so a token sees between half and all of the context and the
 * KV cache stays valid between jumps (several times faster; the samples differ from nanoGPT's). A config without
 * the field is {@value #FAST_WINDOW}, what every run did before the setting existed.
 *
 * <p>{@code curation} ({@link CurationSettings}): what of the sampled text goes into the published corpus; absent,
 * all of it.
 */
public record SamplingSettings(
        CorpusSize tokensPerGeneration,
        int sequences,
        double temperature,
        int topK,
        double topP,
        String prompt,
        boolean kvCache,
        String window,
        @JsonInclude(JsonInclude.Include.NON_NULL) CurationSettings curation) {

    public static final String EXACT_WINDOW = "exact";
    public static final String FAST_WINDOW = "fast";

    /** The most sequences one corpus samples at once. */
    public static final int MAX_SEQUENCES = 4096;

    public SamplingSettings {
        if (window == null) {
            window = FAST_WINDOW;
        }
    }

    /** Settings without curation. */
    public SamplingSettings(CorpusSize tokensPerGeneration, int sequences, double temperature, int topK, double topP,
                            String prompt, boolean kvCache, String window) {
        this(tokensPerGeneration, sequences, temperature, topK, topP, prompt, kvCache, window, null);
    }

    /** Settings sampling a fixed number of tokens per generation, without curation. */
    public SamplingSettings(int tokensPerGeneration, int sequences, double temperature, int topK, double topP,
                            String prompt, boolean kvCache, String window) {
        this(CorpusSize.ofTokens(tokensPerGeneration), sequences, temperature, topK, topP, prompt, kvCache, window);
    }

    /**
     * The problems with these settings; empty when valid. Public because a {@code CorpusGenerated} event carries
     * sampling settings on their own, outside an {@link ExperimentConfig}.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (tokensPerGeneration == null) {
            problems.add("sampling.tokensPerGeneration is missing");
        } else {
            tokensPerGeneration.problems(problems);
        }
        if (sequences < 1 || sequences > MAX_SEQUENCES) {
            problems.add("sampling.sequences must be between 1 and " + MAX_SEQUENCES + ", was " + sequences);
        }
        if (!(temperature > 0 && temperature <= 100)) {
            problems.add("sampling.temperature must be in (0, 100], was " + temperature);
        }
        if (topK < 0) {
            problems.add("sampling.topK must be >= 0 (0 disables it), was " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            problems.add("sampling.topP must be in (0, 1], was " + topP);
        }
        if (!EXACT_WINDOW.equals(window) && !FAST_WINDOW.equals(window)) {
            problems.add("sampling.window must be 'exact' or 'fast', was '" + window + "'");
        }
        if (prompt == null || prompt.isEmpty()) {
            problems.add("sampling.prompt must not be empty (the paper uses \"\\n\")");
        }
        if (curation != null) {
            curation.problems(sequences, problems);
        }
        return problems;
    }

    /** These settings sampling {@code newTokensPerGeneration} tokens per generation. */
    public SamplingSettings withTokensPerGeneration(int newTokensPerGeneration) {
        return withTokensPerGeneration(CorpusSize.ofTokens(newTokensPerGeneration));
    }

    public SamplingSettings withTokensPerGeneration(CorpusSize newTokensPerGeneration) {
        return new SamplingSettings(newTokensPerGeneration, sequences, temperature, topK, topP, prompt, kvCache,
                window, curation);
    }

    /** These settings curating their corpus by {@code newCuration} (null: not at all). */
    public SamplingSettings withCuration(CurationSettings newCuration) {
        return new SamplingSettings(tokensPerGeneration, sequences, temperature, topK, topP, prompt, kvCache,
                window, newCuration);
    }

    /** Tokens each sequence samples after its prompt for a corpus of {@code corpusTokens} tokens. */
    public int tokensPerSequence(int corpusTokens) {
        return (corpusTokens + sequences - 1) / sequences;
    }
}
