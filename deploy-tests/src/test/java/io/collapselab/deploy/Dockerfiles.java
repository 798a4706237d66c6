package io.collapselab.deploy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading the Dockerfiles of docker/: their runtime stage and the environment it sets. */
final class Dockerfiles {

    private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+");
    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)");

    private Dockerfiles() {
    }

    /** The instructions of the last stage, the image that runs. */
    static String runtimeStage(String dockerfile) {
        String text = Repository.read(Repository.path(dockerfile));
        Matcher from = FROM.matcher(text);
        int last = -1;
        while (from.find()) {
            last = from.start();
        }
        if (last < 0) {
            throw new AssertionError(dockerfile + " has no FROM");
        }
        return text.substring(last);
    }

    /** The variables the runtime stage's {@code ENV NAME=value ...} instructions set. */
    static Map<String, String> runtimeEnvironment(String dockerfile) {
        Map<String, String> environment = new LinkedHashMap<>();
        String joined = runtimeStage(dockerfile).replaceAll("\\\\\\r?\\n", " ");
        for (String line : joined.lines().toList()) {
            if (!line.startsWith("ENV ")) {
                continue;
            }
            Matcher assignment = ASSIGNMENT.matcher(line.substring(4));
            while (assignment.find()) {
                environment.put(assignment.group(1), assignment.group(2));
            }
        }
        return environment;
    }
}
