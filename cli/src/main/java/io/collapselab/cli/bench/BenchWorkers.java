package io.collapselab.cli.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.collapselab.cli.ThreadOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * The JVMs that measure for {@code collapse bench}, one per model size and thread count: the engine reads its
 * intra-op thread count once, when it starts, so a thread count takes a JVM of its own. A worker is the same Java
 * with the same class path, told by its command line to measure in-process; it prints each result as one marked
 * JSON line ({@link #report}), which {@link #measure} reads back.
 */
public final class BenchWorkers {

    /** Marks the worker's result lines on its standard output, where a library might print too. */
    private static final String RESULT_MARKER = "collapse-bench-result ";
    /** System properties a worker JVM needs to find and load the engine the way this one does. */
    private static final Set<String> ENGINE_LOCATION_PROPERTIES = Set.of("DJL_CACHE_DIR", "ENGINE_CACHE_DIR");
    private static final String INTEROP_THREADS_PROPERTY = "ai.djl.pytorch.num_interop_threads";

    private BenchWorkers() {
    }

    /** Worker side: prints {@code result} where the parent's {@link #measure} finds it. */
    public static void report(Object result, PrintStream out) throws JsonProcessingException {
        out.println(RESULT_MARKER + MeasuringProcess.LINE_MAPPER.writeValueAsString(result));
        out.flush();
    }

    /**
     * Parent side: runs a worker at {@code threads} intra-op threads and returns what it reported; the worker's
     * other output goes to standard error.
     *
     * @param what        what the worker measures, to name it in errors
     * @param commandLine the main class and arguments that make the worker measure {@code what}
     * @param type        the type of the results the worker reports
     * @param threadsOf   the intra-op thread count a result says the engine ran with
     */
    public static <T> List<T> measure(int threads, String what, List<String> commandLine, Class<T> type,
                                      ToIntFunction<T> threadsOf) throws IOException, InterruptedException {
        List<T> results = new ArrayList<>();
        int exitCode = MeasuringProcess.run(command(threads, commandLine, System.getProperties()), line -> {
            if (line.startsWith(RESULT_MARKER)) {
                results.add(MeasuringProcess.parse(line.substring(RESULT_MARKER.length()), type));
            } else {
                System.err.println(line);
            }
        });
        if (exitCode != 0) {
            throw new IllegalStateException("the benchmark JVM for " + what + " at " + threads
                    + " thread(s) failed with exit code " + exitCode + "; its messages are above");
        }
        for (T result : results) {
            if (threadsOf.applyAsInt(result) != threads) {
                throw new IllegalStateException("asked the engine for " + threads + " intra-op thread(s), it ran "
                        + threadsOf.applyAsInt(result) + "; the timings would be mislabelled");
            }
        }
        return results;
    }

    /** The worker's command: this Java, its thread settings, the engine settings of {@code parent}, this class path. */
    static List<String> command(int threads, List<String> commandLine, Properties parent) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-D" + ThreadOptions.THREADS_PROPERTY + "=" + threads);
        command.add("-D" + INTEROP_THREADS_PROPERTY + "=1");
        parent.stringPropertyNames().stream()
                .filter(BenchWorkers::passedToWorkers)
                .sorted()
                .forEach(name -> command.add("-D" + name + "=" + parent.getProperty(name)));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(commandLine);
        return command;
    }

    /** Only engine settings travel to workers; the thread settings are the worker's own. */
    private static boolean passedToWorkers(String property) {
        if (ENGINE_LOCATION_PROPERTIES.contains(property)) {
            return true;
        }
        return property.startsWith("ai.djl.") && !property.equals(ThreadOptions.THREADS_PROPERTY)
                && !property.equals(INTEROP_THREADS_PROPERTY);
    }
}
