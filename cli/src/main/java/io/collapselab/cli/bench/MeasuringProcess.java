package io.collapselab.cli.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collapselab.lm.ComputeEnvironment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * A child process that measures (a worker JVM or the PyTorch reference) and reports its result as a JSON line on
 * its standard output.
 */
final class MeasuringProcess {

    /** Writes and reads the one-line JSON results. */
    static final ObjectMapper LINE_MAPPER = new ObjectMapper();

    private MeasuringProcess() {
    }

    /** Runs a child with standard error shared and standard output handed to {@code lines}; its exit code. */
    static int run(List<String> command, Consumer<String> lines) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        // Java and Python children alike: the allocator settings speed up PyTorch as much as DJL, so a comparison
        // is only fair when both run with them.
        builder.environment().putAll(ComputeEnvironment.forComputeProcess());
        Process process = builder.start();
        process.getOutputStream().close();
        boolean readToEnd = false;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.accept(line);
            }
            readToEnd = true;
        } finally {
            if (!readToEnd) {
                process.destroy();   // its output could not be used: no point in letting it run on
            }
        }
        return process.waitFor();
    }

    /** A result line read back. */
    static <T> T parse(String json, Class<T> type) {
        try {
            return LINE_MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable benchmark result '" + json + "': " + e.getOriginalMessage(),
                    e);
        }
    }
}
