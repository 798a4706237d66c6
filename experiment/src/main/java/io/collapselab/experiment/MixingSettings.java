package io.collapselab.experiment;

import java.util.List;

/**
 * What generation g+1 trains on. {@code replace}: only corpus g (Herel &amp; Mikolov). {@code accumulate}: the real
 * text plus every corpus so far (Gerstgrasser et al. 2024); with {@code selfTraining.budget} {@code epochs} each
 * generation trains longer on the growing pool, as theirs do. {@code accumulate-subsample}: a random subsample of
 * that same pool, as large as corpus g, so the data a generation trains on stays the size of one generation's
 * (Kazdan et al. 2024). {@code mix}: corpus g plus real text making up {@code realFraction} of the mix (Shumailov et
 * al. 2024).
 */
public record MixingSettings(String policy, double realFraction) {

    public static final String REPLACE = "replace";
    public static final String ACCUMULATE = "accumulate";
    public static final String ACCUMULATE_SUBSAMPLE = "accumulate-subsample";
    public static final String MIX = "mix";

    /** Every policy, in the order messages and help list them. */
    public static final List<String> POLICIES = List.of(REPLACE, ACCUMULATE, ACCUMULATE_SUBSAMPLE, MIX);

    /** Whether generation g+1's mix draws on every corpus so far, not only on corpus g. */
    public boolean accumulates() {
        return ACCUMULATE.equals(policy) || ACCUMULATE_SUBSAMPLE.equals(policy);
    }

    void problems(List<String> problems) {
        if (!POLICIES.contains(policy)) {
            problems.add("mixing.policy must be 'replace', 'accumulate', 'accumulate-subsample' or 'mix', was '"
                    + policy + "'");
        }
        if (MIX.equals(policy) && !(realFraction > 0 && realFraction < 1)) {
            problems.add("mixing.realFraction must be in (0, 1) for the mix policy, was " + realFraction);
        }
    }
}
