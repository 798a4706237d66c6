package io.collapselab.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What {@code --version} prints on every command: the project version, the git commit of the checkout the launcher
 * runs from, and the engine's versions as found on the class path (DJL, and the libtorch its native jar bundles).
 */
final class Version implements CommandLine.IVersionProvider {

    /** Set by the {@code collapse} launcher from the checkout it runs in; absent elsewhere. */
    static final String COMMIT_PROPERTY = "collapse.commit";
    private static final String UNKNOWN = "unknown";

    @Override
    public String[] getVersion() {
        Properties libtorch = resource("/native/lib/pytorch.properties");
        String bundled = libtorch.getProperty("version");
        String libtorchLine = bundled != null
                ? "libtorch " + bundled.replaceFirst("-\\d{8}$", "") + " (" + libtorch.getProperty("flavor", UNKNOWN)
                        + ", bundled)"
                : "libtorch " + resource("/pytorch-engine.properties").getProperty("pytorch_version", UNKNOWN)
                        + " (not bundled: from DJL's cache or a download)";
        String commit = System.getProperty(COMMIT_PROPERTY, "");
        return new String[] {
                "collapse-lab " + resource("/io/collapselab/cli/version.properties").getProperty("version", UNKNOWN)
                        + " (commit " + (commit.isBlank() ? UNKNOWN : commit) + ")",
                "DJL " + resource("/ai/djl/engine/api.properties").getProperty("djl_version", UNKNOWN),
                libtorchLine,
                "Java " + System.getProperty("java.version")};
    }

    /** The properties at {@code path} on the class path, empty when it is not there. */
    private static Properties resource(String path) {
        Properties properties = new Properties();
        try (InputStream in = Version.class.getResourceAsStream(path)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + path, e);
        }
        return properties;
    }
}
