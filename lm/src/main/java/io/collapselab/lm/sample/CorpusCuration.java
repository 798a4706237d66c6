package io.collapselab.lm.sample;

import io.collapselab.experiment.CurationCounts;
import io.collapselab.experiment.CurationSettings;

import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules of {@link CurationSettings} applied to sampled sequences: which of them the published corpus keeps. A
 * pure function of the samples and their perplexities under the reference model, so the generator, the in-process
 * loop and the audit keep the same ones.
 */
public final class CorpusCuration {

    /** The indices of the kept samples, ascending (sampled order), and what each rule dropped. */
    public record Selection(int[] kept, CurationCounts counts) {
    }

    private CorpusCuration() {
    }

    /**
     * @param samples      each sample's tokens after its prompt, in sampled order
     * @param perplexities each sample's perplexity under the reference model; may be null when
     *                     {@code settings} has no perplexity band
     * @param corpusSamples how many samples the corpus holds at most ({@code sampling.sequences})
     */
    public static Selection select(CurationSettings settings, int[][] samples, double[] perplexities,
                                   int corpusSamples) {
        if (settings.filtersPerplexity() && (perplexities == null || perplexities.length != samples.length)) {
            throw new IllegalArgumentException("a perplexity band needs one perplexity per sample, "
                    + samples.length + " samples");
        }
        List<Integer> ranked = new ArrayList<>();
        int outsideBand = 0;
        for (int i = 0; i < samples.length; i++) {
            if (settings.filtersPerplexity() && !settings.inBand(perplexities[i])) {
                outsideBand++;
            } else {
                ranked.add(i);
            }
        }
        double centre = settings.logCentre();
        if (!Double.isNaN(centre)) {
            ranked.sort(Comparator.<Integer>comparingDouble(i -> Math.abs(Math.log(perplexities[i]) - centre))
                    .thenComparingInt(i -> i));
        }
        List<Integer> unique = new ArrayList<>();
        int duplicates = 0;
        if (settings.dedupeNgram() == null) {
            unique.addAll(ranked);
        } else {
            Set<IntBuffer> keptSpans = new HashSet<>();
            for (int i : ranked) {
                if (repeatsSpan(samples[i], settings.dedupeNgram(), keptSpans)) {
                    duplicates++;
                } else {
                    unique.add(i);
                }
            }
        }
        int keep = Math.min(corpusSamples, unique.size());
        int[] kept = unique.subList(0, keep).stream().mapToInt(Integer::intValue).sorted().toArray();
        return new Selection(kept, new CurationCounts(samples.length, outsideBand, duplicates,
                unique.size() - keep, keep));
    }

    /**
     * Whether a span of {@code n} tokens of {@code sample} occurs earlier in the sample itself or among
     * {@code keptSpans}, the spans of the samples kept so far; a sample that repeats none adds its spans to them.
     * A sample shorter than {@code n} has no span and repeats nothing.
     */
    static boolean repeatsSpan(int[] sample, int n, Set<IntBuffer> keptSpans) {
        Set<IntBuffer> own = new HashSet<>();
        for (int at = 0; at + n <= sample.length; at++) {
            // A wrapped buffer compares and hashes its n elements, not the array it shares.
            IntBuffer span = IntBuffer.wrap(sample, at, n).slice();
            if (keptSpans.contains(span) || !own.add(span)) {
                return true;
            }
        }
        keptSpans.addAll(own);
        return false;
    }
}
