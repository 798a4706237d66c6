package io.collapselab.experiment;

import java.util.ArrayList;
import java.util.List;

/**
 * How a generation writes its corpus: {@code sequences} sequences sampled together (one batched forward pass
 * per position), each starting with {@code prompt} and continuing until the corpus holds
 * {@code tokensPerGeneration} sampled tokens in all. {@code topK} 0 and {@code topP} 1 disable those filters.
 */
public record SamplingSettings(
        int tokensPerGeneration,
        int sequences,
        double temperature,
        int topK,
        double topP,
        String prompt,
        boolean kvCache) {

    /**
     * The problems with these settings; empty when valid. Public because a {@code CorpusGenerated} event carries
     * sampling settings on their own, outside an {@link ExperimentConfig}.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (tokensPerGeneration < 1 || tokensPerGeneration > 1_000_000_000) {
            problems.add("sampling.tokensPerGeneration must be between 1 and 1000000000, was " + tokensPerGeneration);
        }
        if (sequences < 1 || sequences > 4096) {
            problems.add("sampling.sequences must be between 1 and 4096, was " + sequences);
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
        if (prompt == null || prompt.isEmpty()) {
            problems.add("sampling.prompt must not be empty (the paper uses \"\\n\")");
        }
        return problems;
    }

    /** Tokens each sequence samples after its prompt. */
    public int tokensPerSequence() {
        return (tokensPerGeneration + sequences - 1) / sequences;
    }
}
