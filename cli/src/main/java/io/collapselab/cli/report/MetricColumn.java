package io.collapselab.cli.report;

import io.collapselab.lm.loop.GenerationReport;

import java.util.Locale;
import java.util.function.Function;

/** A column of the report's per-generation tables and of its CSV: every metric a generation reports. */
enum MetricColumn {
    GENERATION("generation", "generation", r -> Integer.toString(r.generation())),
    TRAIN_LOSS("train loss", "train_loss", r -> number(r.trainLoss())),
    HELDOUT_LOSS("held-out loss", "heldout_loss", r -> number(r.heldoutLoss())),
    HELDOUT_PERPLEXITY("perplexity", "heldout_perplexity", r -> number(r.heldoutPerplexity())),
    HELDOUT_BITS_PER_BYTE("bits per byte", "heldout_bits_per_byte", r -> number(r.heldoutBitsPerByte())),
    HELDOUT_WORD_PERPLEXITY("word perplexity", "heldout_word_perplexity", r -> number(r.heldoutWordPerplexity())),
    WHOLE_TEXT_PERPLEXITY("whole-text perplexity", "whole_text_perplexity", r -> number(r.wholeTextPerplexity())),
    DISTINCT1("distinct-1", "distinct1", r -> number(r.distinct1())),
    DISTINCT2("distinct-2", "distinct2", r -> number(r.distinct2())),
    DISTINCT3("distinct-3", "distinct3", r -> number(r.distinct3())),
    REPETITION("repetition", "repetition", r -> number(r.repetition())),
    ENTROPY("entropy", "entropy", r -> number(r.entropy())),
    TAIL_MASS("tail mass", "tail_mass", r -> number(r.tailMass())),
    UNSEEN_WORDS("unseen words", "unseen_word_share", r -> number(r.unseenWordShare())),
    CYCLE("cycle", "cycle_length", r -> Integer.toString(r.cycleLength())),
    WALL("wall s", "wall_seconds", r -> String.format(Locale.ROOT, "%.1f", r.wallMs() / 1000.0)),
    COLLAPSED("collapsed", "collapsed", r -> r.collapsed() ? "yes" : "no");

    private final String heading;
    private final String csvName;
    private final Function<GenerationReport, String> value;

    MetricColumn(String heading, String csvName, Function<GenerationReport, String> value) {
        this.heading = heading;
        this.csvName = csvName;
        this.value = value;
    }

    String heading() {
        return heading;
    }

    String csvName() {
        return csvName;
    }

    /** The value in the generation, or empty where the generation does not have it (older events). */
    String format(GenerationReport report) {
        return value.apply(report);
    }

    private static String number(Double value) {
        return value == null || value.isNaN() ? "" : String.format(Locale.ROOT, "%.4f", value);
    }
}
