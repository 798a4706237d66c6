package io.collapselab.cli;

import picocli.CommandLine;

/** The version printed by {@code collapse --version}. */
final class Version implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = CollapseMain.class.getPackage().getImplementationVersion();
        return new String[] {"collapse-lab " + (version == null ? "development build" : version)};
    }
}
