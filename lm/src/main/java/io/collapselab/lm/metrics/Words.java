package io.collapselab.lm.metrics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The words of a text, the unit every text metric counts. */
public final class Words {

    private Words() {
    }

    /**
     * The whitespace-separated tokens of {@code text}, decoded as UTF-8 with malformed bytes replaced by U+FFFD
     * (a sampled corpus may hold invalid UTF-8). Whitespace is what {@link Character#isWhitespace} accepts.
     */
    public static List<String> of(byte[] text) {
        String decoded = new String(text, StandardCharsets.UTF_8);
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < decoded.length(); i++) {
            boolean space = Character.isWhitespace(decoded.charAt(i));
            if (space && start >= 0) {
                words.add(decoded.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            words.add(decoded.substring(start));
        }
        return words;
    }
}
