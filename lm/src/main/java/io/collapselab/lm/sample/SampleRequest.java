package io.collapselab.lm.sample;

/**
 * What to sample: {@code sequences} sequences in one batch, each the prompt followed by {@code newTokens} sampled
 * tokens. Temperature divides the logits; {@code topK} 0 and {@code topP} 1 disable those filters; {@code window}
 * says what a token sees past the context. The same request on the same model yields the same tokens, with or
 * without the KV cache.
 */
public record SampleRequest(
        int sequences,
        int newTokens,
        double temperature,
        int topK,
        double topP,
        byte[] prompt,
        boolean kvCache,
        SamplingWindow window,
        long seed) {

    public SampleRequest {
        if (sequences < 1 || newTokens < 0 || !(temperature > 0) || topK < 0 || !(topP > 0 && topP <= 1)
                || prompt == null || prompt.length == 0 || window == null) {
            throw new IllegalArgumentException("invalid sampling request: sequences " + sequences + ", newTokens "
                    + newTokens + ", temperature " + temperature + ", topK " + topK + ", topP " + topP
                    + ", prompt bytes " + (prompt == null ? "none" : prompt.length));
        }
    }

    public SampleRequest withKvCache(boolean enabled) {
        return new SampleRequest(sequences, newTokens, temperature, topK, topP, prompt, enabled, window, seed);
    }
}
