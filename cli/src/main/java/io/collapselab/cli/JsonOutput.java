package io.collapselab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --json} and {@code --json-file}, meaning the same on every command that has results: {@code --json} puts
 * them on standard output as JSON (what is for people then goes to standard error, so the output parses as it
 * stands), {@code --json-file FILE} writes them to a file as well.
 */
final class JsonOutput {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--json",
            description = "Print the results as JSON on standard output; tables and notes go to standard error.")
    boolean toStandardOutput;

    @Option(names = "--json-file", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path file;

    /** Where tables and notes for people go. */
    PrintStream forPeople() {
        return toStandardOutput ? System.err : System.out;
    }

    /** Writes {@code results} where the options ask; nothing when neither is given. */
    void write(Object results) {
        try {
            if (file != null) {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                MAPPER.writeValue(file.toFile(), results);
                System.err.println("wrote " + file);
            }
            if (toStandardOutput) {
                System.out.println(MAPPER.writeValueAsString(results));
                System.out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the JSON" + (file == null ? "" : " to " + file) + ": "
                    + e.getMessage(), e);
        }
    }
}
