package io.collapselab.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The checkout the checks read: docker/, k8s/ and the sources of the modules they deploy. */
final class Repository {

    /** Set by the module's Surefire configuration to the parent project's directory. */
    static final Path ROOT = root();

    private Repository() {
    }

    static Path path(String relative) {
        return ROOT.resolve(relative).normalize();
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + relative(file), e);
        }
    }

    /** Every file under {@code directory} (relative to the root) whose name ends in one of {@code suffixes}. */
    static List<Path> files(String directory, String... suffixes) {
        try (Stream<Path> walk = Files.walk(path(directory))) {
            return walk.filter(Files::isRegularFile)
                    .filter(file -> Stream.of(suffixes).anyMatch(file.getFileName().toString()::endsWith))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    /** The path as it appears in messages: relative to the repository root. */
    static String relative(Path file) {
        return ROOT.relativize(file.toAbsolutePath().normalize()).toString();
    }

    /** The project version, for the image tags the manifests pin. */
    static String projectVersion() {
        return requiredProperty("collapse.project.version");
    }

    private static Path root() {
        return Path.of(requiredProperty("collapse.repo.root")).toAbsolutePath().normalize();
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set; run these tests through Maven"
                    + " (./mvnw -pl deploy-tests -am verify), whose Surefire configuration sets it");
        }
        return value;
    }
}
