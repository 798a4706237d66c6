package io.collapselab.service.testing;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;

/** Counts read from a service's meters (see {@code PipelineMetrics}), for tests that check work was (not) done. */
public final class ServiceMeters {

    private ServiceMeters() {
    }

    /** Computations of {@code phase} ({@code train}, {@code sample}, {@code evaluate}) that reported a speed. */
    public static double computations(MeterRegistry meters, String phase) {
        return Search.in(meters).name("collapse.tokens.per.second").tag("phase", phase).summaries().stream()
                .mapToDouble(summary -> summary.count()).sum();
    }

    /** Records dropped because their event id had been handled already. */
    public static double deduplicated(MeterRegistry meters) {
        return Search.in(meters).name("collapse.events.deduplicated").counters().stream()
                .mapToDouble(counter -> counter.count()).sum();
    }

    /** Events of {@code eventType} handled to the end. */
    public static double handled(MeterRegistry meters, String eventType) {
        return Search.in(meters).name("collapse.generation.duration").tag("event", eventType).timers().stream()
                .mapToDouble(timer -> timer.count()).sum();
    }
}
