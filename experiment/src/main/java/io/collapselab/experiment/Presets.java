package io.collapselab.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named, ready-made experiments, each a config file under the {@value #FOLDER} resource folder (one
 * {@code NAME.json} per preset, in the form {@code --config FILE} reads, with a {@code description} saying what it
 * is for). They are read once, when this class is first used, and checked: a preset that does not parse or breaks
 * a rule is a build error that the tests catch, not something a user meets.
 */
public final class Presets {

    /** Where the preset files are, relative to the class path's root. */
    public static final String FOLDER = "presets";

    /** Every preset, in the order they are listed; each has its file {@code FOLDER/NAME.json}. */
    public static final List<String> NAMES = List.of("smoke", "demo", "interventions", "paper", "paper-gpt2");

    /** One preset: its name, what it is for, its config, and its file's text as shipped. */
    public record Preset(String name, String description, ExperimentConfig config, String json) {
    }

    private static final Map<String, Preset> PRESETS = load();

    private Presets() {
    }

    public static List<String> names() {
        return NAMES;
    }

    /** Every preset, in {@link #NAMES} order. */
    public static List<Preset> all() {
        return List.copyOf(PRESETS.values());
    }

    /** The config of the preset of that name. */
    public static ExperimentConfig get(String name) {
        return preset(name).config();
    }

    /**
     * The preset of that name.
     *
     * @throws IllegalArgumentException naming the presets there are, when there is none of that name
     */
    public static Preset preset(String name) {
        Preset preset = PRESETS.get(name);
        if (preset == null) {
            throw new IllegalArgumentException("unknown preset '" + name + "'; choose one of "
                    + String.join(", ", NAMES));
        }
        return preset;
    }

    private static Map<String, Preset> load() {
        Map<String, Preset> presets = new LinkedHashMap<>();
        for (String name : NAMES) {
            presets.put(name, read(name));
        }
        return presets;
    }

    private static Preset read(String name) {
        String resource = FOLDER + "/" + name + ".json";
        try (InputStream in = Presets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("preset file " + resource + " is missing from the class path");
            }
            byte[] json = in.readAllBytes();
            ExperimentJson.Described described = ExperimentJson.readDescribed(json);
            ExperimentConfig config = described.config();
            if (!name.equals(config.name())) {
                throw new IllegalStateException("preset file " + resource + " names its experiment '"
                        + config.name() + "'; a preset's name is its file's");
            }
            if (described.description() == null || described.description().isBlank()) {
                throw new IllegalStateException("preset file " + resource + " has no description");
            }
            List<String> problems = config.problems();
            if (!problems.isEmpty()) {
                throw new IllegalStateException("preset file " + resource + " is invalid: "
                        + String.join("; ", problems));
            }
            return new Preset(name, described.description(), config, new String(json, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("preset file " + resource + " cannot be read as an experiment config: "
                    + e.getMessage(), e);
        }
    }
}
