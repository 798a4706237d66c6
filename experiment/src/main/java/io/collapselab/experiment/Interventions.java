package io.collapselab.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The interventions against collapse that the {@value #PRESET} grid compares, each a change to one experiment:
 * <ul>
 *   <li>{@code none}: the experiment as it is, the naive loop that collapses;</li>
 *   <li>{@code kl-anchor}: {@code selfTraining.klAnchor} {@value #KL_ANCHOR};</li>
 *   <li>{@code real-gradient}: {@code selfTraining.realGradientWeight} {@value #REAL_GRADIENT_WEIGHT};</li>
 *   <li>{@code perplexity-filter}: {@code sampling.curation} keeping the samples whose perplexity under generation
 *       0 lies in [{@value #PERPLEXITY_MIN}, {@value #PERPLEXITY_MAX}], from {@value #OVERSAMPLE} times the
 *       corpus;</li>
 *   <li>{@code mix-10}: {@code mixing} {@code mix} with {@code realFraction} {@value #REAL_FRACTION};</li>
 *   <li>{@code accumulate}: {@code mixing} {@code accumulate}, every corpus so far and the real text.</li>
 * </ul>
 * The weights and the band suit the small byte-level model of the {@value #PRESET} preset, whose generation 0 has
 * a held-out perplexity of about 10 per byte and samples at about 4 to 8.
 */
public final class Interventions {

    /** The preset whose runs are these interventions, each over {@value #SEEDS} seeds. */
    public static final String PRESET = "interventions";

    /** How many seeds the preset's grid runs each intervention with. */
    public static final int SEEDS = 3;

    static final double KL_ANCHOR = 1.0;
    static final double REAL_GRADIENT_WEIGHT = 1.0;
    static final double PERPLEXITY_MIN = 2.0;
    static final double PERPLEXITY_MAX = 16.0;
    static final int OVERSAMPLE = 2;
    static final double REAL_FRACTION = 0.1;

    private static final Map<String, UnaryOperator<ExperimentConfig>> INTERVENTIONS = interventions();

    private Interventions() {
    }

    /** Every intervention's name, {@code none} first. */
    public static List<String> names() {
        return List.copyOf(INTERVENTIONS.keySet());
    }

    /**
     * The experiment with the intervention of that name applied.
     *
     * @throws IllegalArgumentException naming the interventions there are, when there is none of that name
     */
    public static ExperimentConfig apply(String name, ExperimentConfig config) {
        UnaryOperator<ExperimentConfig> intervention = INTERVENTIONS.get(name);
        if (intervention == null) {
            throw new IllegalArgumentException("unknown intervention '" + name + "'; choose one of "
                    + String.join(", ", names()));
        }
        return intervention.apply(config);
    }

    private static Map<String, UnaryOperator<ExperimentConfig>> interventions() {
        Map<String, UnaryOperator<ExperimentConfig>> interventions = new LinkedHashMap<>();
        interventions.put("none", config -> config);
        interventions.put("kl-anchor", config -> config.withSelfTraining(config.selfTraining()
                .withAnchors(KL_ANCHOR, config.selfTraining().realGradientWeight())));
        interventions.put("real-gradient", config -> config.withSelfTraining(config.selfTraining()
                .withAnchors(config.selfTraining().klAnchor(), REAL_GRADIENT_WEIGHT)));
        interventions.put("perplexity-filter", config -> config.withSampling(config.sampling().withCuration(
                new CurationSettings(PERPLEXITY_MIN, PERPLEXITY_MAX, null, OVERSAMPLE))));
        interventions.put("mix-10", config -> config.withMixing(new MixingSettings(MixingSettings.MIX,
                REAL_FRACTION)));
        interventions.put("accumulate", config -> config.withMixing(new MixingSettings(MixingSettings.ACCUMULATE,
                0)));
        return interventions;
    }
}
