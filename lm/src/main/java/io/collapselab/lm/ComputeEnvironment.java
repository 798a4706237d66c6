package io.collapselab.lm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment variables a process that trains, samples or evaluates must start with. Native libraries read
 * them when they load, so Java cannot set them for its own process: whoever starts one (the {@code collapse}
 * launcher, the local stack, the benchmark, the tests, the container images) passes them.
 */
public final class ComputeEnvironment {

    /**
     * oneMKL inside libtorch may neither shrink its thread count under load nor pick kernels by memory alignment,
     * or the same generation computed in two processes differs in its last bits (docs/determinism.md).
     */
    public static final Map<String, String> DETERMINISTIC_MATH =
            Map.of("MKL_DYNAMIC", "FALSE", "OMP_DYNAMIC", "FALSE", "MKL_CBWR", "AUTO");

    /**
     * glibc's allocator tuned for libtorch, which mallocs and frees every activation of every step: one arena (the
     * JVM's compute thread would otherwise get a secondary arena whose heaps are unmapped and mapped again), large
     * blocks from the heap rather than fresh mmaps, and freed memory kept instead of trimmed. Without it every step
     * page-faults its activations in again, which costs up to half of a training step on virtual machines
     * (docs/performance.md). It changes speed only, never results.
     */
    public static final String GLIBC_TUNABLES = "glibc.malloc.arena_max=1"
            + ":glibc.malloc.mmap_threshold=33554432"
            + ":glibc.malloc.trim_threshold=1073741824";

    private ComputeEnvironment() {
    }

    /** Everything a computing process needs: {@link #DETERMINISTIC_MATH} and {@link #GLIBC_TUNABLES}. */
    public static Map<String, String> forComputeProcess() {
        Map<String, String> environment = new LinkedHashMap<>(DETERMINISTIC_MATH);
        environment.put("GLIBC_TUNABLES", GLIBC_TUNABLES);
        return environment;
    }
}
