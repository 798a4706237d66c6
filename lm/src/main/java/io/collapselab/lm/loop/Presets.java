package io.collapselab.lm.loop;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Named, ready-made experiments. {@code smoke} runs in well under a minute on two cores (for tests and quick
 * checks); {@code demo} shows collapse within a few minutes on two cores (held-out perplexity clearly rises and
 * distinct-2 clearly falls from generation 0 to the last); {@code paper} follows Herel &amp; Mikolov's protocol:
 * each generation samples 1024 tokens from "\n" at temperature 1.0 with top-k 200 and context 100, then takes one
 * AdamW step (lr 4e-5 constant, betas 0.9/0.95, weight decay 0.1, clip 1.0) on one random 100-token window of
 * that sample, optimizer state carried across 5000 generations.
 */
public final class Presets {

    private static final Map<String, ExperimentConfig> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("smoke", new ExperimentConfig("smoke",
                new ModelSettings(1, 2, 32, 32, 0f, ModelSettings.BYTE_TOKENIZER, 0),
                new TrainingSettings(40, 8, 3e-3, 3e-3, TrainingSettings.CONSTANT, 0, 0.9, 0.95, 0.1, 1.0, false),
                new TrainingSettings(15, 8, 3e-3, 3e-3, TrainingSettings.CONSTANT, 0, 0.9, 0.95, 0.1, 1.0, true),
                2,
                new SamplingSettings(1024, 8, 1.0, 0, 1.0, "\n", true),
                new MixingSettings(MixingSettings.REPLACE, 0),
                new EvaluationSettings(16_384, 32, 0.1, 240),
                new CollapsePolicy(0.0, 0, false),
                1234));
        PRESETS.put("demo", new ExperimentConfig("demo",
                new ModelSettings(2, 2, 64, 64, 0f, ModelSettings.BYTE_TOKENIZER, 0),
                new TrainingSettings(300, 16, 3e-3, 3e-4, TrainingSettings.COSINE, 20, 0.9, 0.95, 0.1, 1.0, false),
                new TrainingSettings(60, 16, 2e-3, 2e-3, TrainingSettings.CONSTANT, 0, 0.9, 0.95, 0.1, 1.0, true),
                8,
                new SamplingSettings(4096, 16, 0.9, 20, 1.0, "\n", true),
                new MixingSettings(MixingSettings.REPLACE, 0),
                new EvaluationSettings(32_768, 32, 0.1, 240),
                new CollapsePolicy(0.4, 8, false),
                2024));
        PRESETS.put("paper", new ExperimentConfig("paper",
                new ModelSettings(4, 4, 128, 100, 0f, ModelSettings.BPE_TOKENIZER, 2048),
                new TrainingSettings(3000, 16, 1e-3, 1e-4, TrainingSettings.COSINE, 100, 0.9, 0.95, 0.1, 1.0, false),
                new TrainingSettings(1, 1, 4e-5, 4e-5, TrainingSettings.CONSTANT, 0, 0.9, 0.95, 0.1, 1.0, true),
                5000,
                new SamplingSettings(1024, 1, 1.0, 200, 1.0, "\n", true),
                new MixingSettings(MixingSettings.REPLACE, 0),
                new EvaluationSettings(32_768, 32, 0.1, 240),
                new CollapsePolicy(0.0, 8, false),
                1));
    }

    private Presets() {
    }

    public static Set<String> names() {
        return PRESETS.keySet();
    }

    /** The preset of that name. */
    public static ExperimentConfig get(String name) {
        ExperimentConfig preset = PRESETS.get(name);
        if (preset == null) {
            throw new IllegalArgumentException("unknown preset '" + name + "'; choose one of " + names());
        }
        return preset;
    }
}
