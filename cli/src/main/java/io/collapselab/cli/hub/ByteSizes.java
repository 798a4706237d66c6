package io.collapselab.cli.hub;

import java.util.Locale;

/** Sizes as people read them, in decimal units as the hub shows them: 548.1 MB is 548,105,171 bytes. */
public final class ByteSizes {

    private static final String[] UNITS = {"kB", "MB", "GB", "TB"};

    private ByteSizes() {
    }

    public static String of(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 999.95 && unit < UNITS.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }
}
