package io.collapselab.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A valid config, and copies of a config with one field changed by way of its JSON tree: spelling out a
 * constructor call per test case would bury what each case changes.
 */
final class ConfigMutations {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ConfigMutations() {
    }

    static ExperimentConfig valid() {
        return new ExperimentConfig(
                "wikitext-byte-demo",
                new ModelSettings(2, 4, 64, 32, 0.1f, ModelSettings.BYTE_TOKENIZER, 0),
                new TrainingSettings(200, 8, 3e-4, 3e-5, TrainingSettings.COSINE, 20, 0.9, 0.95, 0.1, 1.0, false),
                new TrainingSettings(100, 8, 1e-4, 1e-5, TrainingSettings.CONSTANT, 0, 0.9, 0.95, 0.1, 1.0, true),
                5,
                new SamplingSettings(20_000, 16, 1.0, 0, 1.0, "\n", true, SamplingSettings.FAST_WINDOW),
                new MixingSettings(MixingSettings.REPLACE, 0),
                new EvaluationSettings(0, 16, 0.1, 500, EvaluationSettings.WHOLE_TEXT, 100, 1),
                new CollapsePolicy(0.05, 8, true),
                42L);
    }

    /** {@code config} with the field at the dotted {@code path} set to {@code value}. */
    static ExperimentConfig with(ExperimentConfig config, String path, Object value) {
        ObjectNode tree = MAPPER.valueToTree(config);
        String[] names = path.split("\\.");
        ObjectNode parent = tree;
        for (int i = 0; i < names.length - 1; i++) {
            parent = (ObjectNode) parent.get(names[i]);
        }
        parent.set(names[names.length - 1], MAPPER.valueToTree(value));
        return MAPPER.convertValue(tree, ExperimentConfig.class);
    }
}
