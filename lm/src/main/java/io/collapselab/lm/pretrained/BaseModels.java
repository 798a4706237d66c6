package io.collapselab.lm.pretrained;

import io.collapselab.experiment.ModelSettings;

import java.util.ArrayList;
import java.util.List;

/**
 * How a run's model settings relate to the pretrained model it starts from: the architecture is the model's,
 * never a second opinion, so settings that name another one are refused rather than silently overridden.
 */
public final class BaseModels {

    private BaseModels() {
    }

    /**
     * The settings with {@code initFrom} and its architecture, keeping the context length (a crop of the model's
     * positions) and the dropout: what {@code --init-from} makes of a preset or config.
     */
    public static ModelSettings startingFrom(ModelSettings settings, String initFrom, Gpt2Architecture model) {
        return settings.initializedFrom(initFrom, model.layers(), model.heads(), model.width(),
                model.activation().configName());
    }

    /**
     * Every way {@code settings} disagree with the model's architecture, each naming the setting and the
     * {@code config.json} field; empty when the run can start from it.
     *
     * @param source names the model in messages, e.g. its directory
     */
    public static List<String> conflicts(ModelSettings settings, Gpt2Architecture model, String source) {
        List<String> conflicts = new ArrayList<>();
        conflict(conflicts, "model.layers", settings.layers(), "n_layer", model.layers(), source);
        conflict(conflicts, "model.heads", settings.heads(), "n_head", model.heads(), source);
        conflict(conflicts, "model.width", settings.width(), "n_embd", model.width(), source);
        if (!settings.activation().equals(model.activation().configName())) {
            conflicts.add("model.activation is '" + settings.activation() + "', but " + source
                    + " has activation_function '" + model.activation().configName() + "'");
        }
        if (settings.contextLength() > model.positions()) {
            conflicts.add("model.contextLength is " + settings.contextLength() + ", more than the " + model.positions()
                    + " positions (n_positions) of " + source + "; it can only be cropped");
        }
        if (!ModelSettings.GPT2_TOKENIZER.equals(settings.tokenizer())) {
            conflicts.add("model.tokenizer is '" + settings.tokenizer() + "', but " + source
                    + " is a GPT-2, which reads GPT-2's tokens ('gpt2')");
        }
        return conflicts;
    }

    /**
     * @throws IllegalArgumentException listing every {@link #conflicts conflict}, when there is one
     */
    public static void requireArchitecture(ModelSettings settings, Gpt2Architecture model, String source) {
        List<String> conflicts = conflicts(settings, model, source);
        if (!conflicts.isEmpty()) {
            throw new IllegalArgumentException("the run cannot start from " + source + ": "
                    + String.join("; ", conflicts));
        }
    }

    private static void conflict(List<String> conflicts, String setting, int value, String field, int modelValue,
                                 String source) {
        if (value != modelValue) {
            conflicts.add(setting + " is " + value + ", but " + source + " has " + field + " " + modelValue);
        }
    }
}
