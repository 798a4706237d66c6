package io.collapselab.cli;

import io.collapselab.cli.local.LocalProcesses;

import java.io.IOException;

/** Runs a command's work on the embedded system: started where it is not running, failures pointing at its logs. */
final class EmbeddedSystem {

    /** The work, given the running system. */
    @FunctionalInterface
    interface Work {
        int run(ClusterOptions.Cluster cluster) throws IOException;
    }

    private EmbeddedSystem() {
    }

    /**
     * @param stopAfterwards whether to stop the stack and the services when the work is done or has failed
     * @return the work's exit code
     */
    static int run(LocalProcesses local, int threads, boolean stopAfterwards, Work work) throws IOException {
        try {
            return work.run(ClusterOptions.Cluster.embedded(local.up(threads, System.err)));
        } catch (UsageError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage() + "; the services' logs are in " + local.logsDir(), e);
        } finally {
            if (stopAfterwards) {
                local.down(System.err);
            }
        }
    }
}
