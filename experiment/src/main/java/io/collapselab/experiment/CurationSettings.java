package io.collapselab.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What a generation keeps of what it sampled, before the corpus is published: the policy between sampling and
 * training. Each rule is off when its field is absent, and a config without {@code sampling.curation} publishes
 * every sample, as every run did before the setting existed. A sample is one of the {@code sampling.sequences}
 * sequences; the rules apply in this order:
 * <ol>
 *   <li>{@code oversample} k: sample k times as many sequences as the corpus holds (each as long as without it),
 *       so that the rules below have more to choose from;</li>
 *   <li>the perplexity band {@code [perplexityMin, perplexityMax]} (either end may be absent): drop every sample
 *       whose perplexity under the reference model, generation 0, lies outside it: low, the degenerate loops of a
 *       collapsing model; high, gibberish. A sample's perplexity is e to the mean loss of its tokens after the
 *       first, as the whole-text held-out figure scores a text;</li>
 *   <li>{@code dedupeNgram} n: walk the samples left in rank order and drop each one that repeats a span of n
 *       tokens (after its prompt, which every sample shares) that occurs earlier in itself or in a sample kept
 *       before it;</li>
 *   <li>keep the first {@code sequences} samples left in rank order and drop the rest as surplus.</li>
 * </ol>
 * The rank: with both ends of the band set, by the distance of the sample's log-perplexity from the band's centre,
 * (ln min + ln max) / 2, nearest first, ties by sampled order; otherwise sampled order. The kept samples go into
 * the corpus in sampled order. No rule draws a random number: the curated corpus is a function of the sampled one
 * and the reference model.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CurationSettings(Double perplexityMin, Double perplexityMax, Integer dedupeNgram, Integer oversample) {

    /** The most times a corpus may be oversampled. */
    public static final int MAX_OVERSAMPLE = 16;

    /** The longest span de-duplication may compare, in tokens. */
    public static final int MAX_DEDUPE_NGRAM = 4096;

    void problems(int sequences, List<String> problems) {
        String field = "sampling.curation";
        if (perplexityMin == null && perplexityMax == null && dedupeNgram == null && oversample == null) {
            problems.add(field + " sets no rule; set perplexityMin, perplexityMax, dedupeNgram or oversample, or "
                    + "remove it");
        }
        if (perplexityMin != null && !(perplexityMin >= 1 && Double.isFinite(perplexityMin))) {
            problems.add(field + ".perplexityMin must be a finite number >= 1 (no text has a perplexity below 1), "
                    + "was " + perplexityMin);
        }
        if (perplexityMax != null && !(perplexityMax >= 1 && Double.isFinite(perplexityMax))) {
            problems.add(field + ".perplexityMax must be a finite number >= 1, was " + perplexityMax);
        }
        if (perplexityMin != null && perplexityMax != null && !(perplexityMin < perplexityMax)) {
            problems.add(field + ".perplexityMin must be below perplexityMax, were " + perplexityMin + " and "
                    + perplexityMax);
        }
        if (dedupeNgram != null && (dedupeNgram < 1 || dedupeNgram > MAX_DEDUPE_NGRAM)) {
            problems.add(field + ".dedupeNgram must be between 1 and " + MAX_DEDUPE_NGRAM + " tokens, was "
                    + dedupeNgram);
        }
        if (oversample != null) {
            if (oversample < 1 || oversample > MAX_OVERSAMPLE) {
                problems.add(field + ".oversample must be between 1 and " + MAX_OVERSAMPLE + ", was " + oversample);
            } else if ((long) oversample * sequences > SamplingSettings.MAX_SEQUENCES) {
                problems.add(field + ".oversample " + oversample + " times sampling.sequences " + sequences
                        + " samples more than " + SamplingSettings.MAX_SEQUENCES + " sequences at once; lower one");
            } else if (oversample > 1 && !(perplexityMin != null && perplexityMax != null)) {
                problems.add(field + ".oversample keeps the samples nearest the perplexity band's centre; set both "
                        + "perplexityMin and perplexityMax");
            }
        }
    }

    /** Whether a rule needs each sample's perplexity under the reference model. */
    public boolean filtersPerplexity() {
        return perplexityMin != null || perplexityMax != null;
    }

    /** k, 1 without oversampling. */
    public int oversampleOrOne() {
        return oversample == null ? 1 : oversample;
    }

    /** Whether {@code perplexity} lies in the band (inclusive at both ends, an absent end no limit). */
    public boolean inBand(double perplexity) {
        return (perplexityMin == null || perplexity >= perplexityMin)
                && (perplexityMax == null || perplexity <= perplexityMax);
    }

    /** The band's centre in log-perplexity, by which samples rank; NaN unless both ends are set. */
    public double logCentre() {
        return perplexityMin != null && perplexityMax != null
                ? (Math.log(perplexityMin) + Math.log(perplexityMax)) / 2 : Double.NaN;
    }
}
