package io.collapselab.experiment;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link CurationSettings} did to one corpus, in samples: {@code sampled} in all, dropped by the perplexity
 * band, as duplicates and as surplus, and {@code kept}; the four parts add up to {@code sampled}.
 */
public record CurationCounts(int sampled, int droppedByPerplexity, int droppedAsDuplicate, int droppedAsSurplus,
                             int kept) {

    /**
     * The problems with these counts for a corpus curated by {@code settings} from {@code sequences} sequences a
     * corpus; empty when they fit.
     */
    public List<String> problems(CurationSettings settings, int sequences) {
        List<String> problems = new ArrayList<>();
        if (droppedByPerplexity < 0 || droppedAsDuplicate < 0 || droppedAsSurplus < 0 || kept < 1) {
            problems.add("curation counts must not be negative and keep at least one sample, were " + this);
        } else if ((long) droppedByPerplexity + droppedAsDuplicate + droppedAsSurplus + kept != sampled) {
            problems.add("curation counts of the dropped and the kept samples must add up to the " + sampled
                    + " sampled, were " + this);
        }
        long expected = (long) settings.oversampleOrOne() * sequences;
        if (sampled != expected) {
            problems.add("curation.sampled must be oversample x sampling.sequences = " + expected + ", was "
                    + sampled);
        }
        if (kept > sequences) {
            problems.add("curation.kept must not exceed sampling.sequences (" + sequences + "), was " + kept);
        }
        if (!settings.filtersPerplexity() && droppedByPerplexity != 0) {
            problems.add("curation.droppedByPerplexity must be 0 without a perplexity band, was "
                    + droppedByPerplexity);
        }
        if (settings.dedupeNgram() == null && droppedAsDuplicate != 0) {
            problems.add("curation.droppedAsDuplicate must be 0 without dedupeNgram, was " + droppedAsDuplicate);
        }
        return problems;
    }
}
