package io.collapselab.cli;

import picocli.CommandLine.Option;

/**
 * Intra-op threads of the tensor engine. Results are bit-identical only for the same thread count (reductions
 * split differently), so runs that must match, such as an audit's recomputation, pass the same number.
 */
public final class ThreadOptions {

    /** The engine's intra-op thread count, read once when it starts. */
    public static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

    @Option(names = "--threads", paramLabel = "N",
            description = "Intra-op threads of the tensor engine (default: the number of cores).")
    Integer threads;

    /** Must run before the engine starts: the engine reads the setting once. */
    void apply() {
        int count = count();
        if (System.getProperty(THREADS_PROPERTY) == null || threads != null) {
            System.setProperty(THREADS_PROPERTY, Integer.toString(count));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    /** The thread count asked for, or the number of cores. */
    int count() {
        int count = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (count < 1 || count > 1024) {
            throw new UsageError("--threads must be between 1 and 1024, was " + count);
        }
        return count;
    }

    static int effective() {
        return Integer.parseInt(System.getProperty(THREADS_PROPERTY,
                Integer.toString(Runtime.getRuntime().availableProcessors())));
    }
}
