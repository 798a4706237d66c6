package io.collapselab.experiment;

import java.util.List;

/**
 * What generation g+1 trains on. {@code replace}: only corpus g (Herel &amp; Mikolov). {@code accumulate}: the real
 * text plus every corpus so far (Gerstgrasser et al. 2024). {@code mix}: corpus g plus real text making up
 * {@code realFraction} of the mix (Shumailov et al. 2024).
 */
public record MixingSettings(String policy, double realFraction) {

    public static final String REPLACE = "replace";
    public static final String ACCUMULATE = "accumulate";
    public static final String MIX = "mix";

    void problems(List<String> problems) {
        if (!REPLACE.equals(policy) && !ACCUMULATE.equals(policy) && !MIX.equals(policy)) {
            problems.add("mixing.policy must be 'replace', 'accumulate' or 'mix', was '" + policy + "'");
        }
        if (MIX.equals(policy) && !(realFraction > 0 && realFraction < 1)) {
            problems.add("mixing.realFraction must be in (0, 1) for the mix policy, was " + realFraction);
        }
    }
}
