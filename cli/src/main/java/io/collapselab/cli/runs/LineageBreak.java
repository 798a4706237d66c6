package io.collapselab.cli.runs;

import io.collapselab.events.CollapseEvent;

/**
 * Two digests of a run that must chain and do not (see {@link RunLog#lineageBreaks}).
 *
 * @param event   the event that names the digest that does not fit, where the break is reported
 * @param message what it names and what it should have named, e.g. {@code CorpusGenerated(1) was sampled from
 *                checkpoint <sha>, but checkpoint 1 is <sha>}
 */
public record LineageBreak(CollapseEvent event, String message) {
}
