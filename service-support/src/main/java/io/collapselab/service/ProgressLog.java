package io.collapselab.service;

import io.collapselab.lm.loop.Progress;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Logs the progress of a generation's work: when a phase starts, at most every ten seconds while it runs, and when
 * it ends, so that a long generation shows it is alive without flooding the log.
 */
public final class ProgressLog implements Progress {

    private static final Logger LOG = Logger.getLogger(ProgressLog.class);
    private static final long INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();

    private final String runId;
    private String phase;
    private long loggedAt;

    public ProgressLog(String runId) {
        this.runId = runId;
    }

    @Override
    public void update(int generation, String phase, long done, long total) {
        long now = System.nanoTime();
        boolean newPhase = !phase.equals(this.phase);
        if (newPhase || done >= total || now - loggedAt >= INTERVAL_NANOS) {
            // Training counts optimizer steps; sampling and evaluation count tokens.
            String unit = "train".equals(phase) ? "steps" : "tokens";
            LOG.infof("Run %s generation %d: %s %d/%d %s", runId, generation, phase, done, total, unit);
            this.phase = phase;
            loggedAt = now;
        }
    }
}
