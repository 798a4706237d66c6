package io.collapselab.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration keys that the {@code @ConfigMapping} interfaces of one Java source file declare, read from the
 * source text: {@code @ConfigMapping(prefix = "collapse")} on an interface whose method {@code runWaitTimeout()}
 * declares {@code collapse.run-wait-timeout} (SmallRye's default kebab-case naming), {@code @WithName} renaming a
 * key, and a method returning another interface of the same file opening a group ({@code collapse.s3.endpoint}).
 * Groups declared in other files are read as plain keys, which fails a check instead of passing it wrongly.
 */
final class ConfigMappingSource {

    private static final Pattern MAPPING =
            Pattern.compile("@ConfigMapping\\s*\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"[^)]*\\)[^{]*?interface\\s+(\\w+)");
    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)[^{]*\\{");
    private static final Pattern METHOD = Pattern.compile("(?s)(.*?)\\b([\\w.]+(?:<.*>)?)\\s+(\\w+)\\s*\\(\\s*\\)\\s*$");
    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\s*\\(\\s*\"([^\"]+)\"\\s*\\)");
    private static final Pattern CONTAINER = Pattern.compile("(?:Optional|List|Set)<\\s*([\\w.]+)\\s*>");
    private static final Pattern MAP = Pattern.compile("Map<\\s*[\\w.]+\\s*,\\s*([\\w.]+)\\s*>");

    private ConfigMappingSource() {
    }

    /** Every key declared in {@code source}; a map-valued key ends in {@code .*}. */
    static Set<String> keys(String source) {
        String code = normalize(source);
        Map<String, String> bodies = interfaceBodies(code);
        Set<String> keys = new LinkedHashSet<>();
        Matcher mapping = MAPPING.matcher(code);
        while (mapping.find()) {
            collect(mapping.group(1), mapping.group(2), bodies, keys, Set.of());
        }
        return keys;
    }

    private static void collect(String prefix, String type, Map<String, String> bodies, Set<String> keys,
                                Set<String> visiting) {
        String body = bodies.get(type);
        if (body == null || visiting.contains(type)) {
            keys.add(prefix);
            return;
        }
        Set<String> path = new LinkedHashSet<>(visiting);
        path.add(type);
        for (String declaration : topLevelDeclarations(body)) {
            Matcher method = METHOD.matcher(declaration);
            if (!method.matches() || method.group(1).contains("default") || method.group(1).contains("static")) {
                continue;
            }
            Matcher rename = WITH_NAME.matcher(method.group(1));
            String key = prefix + "." + (rename.find() ? rename.group(1) : kebab(method.group(3)));
            String returned = method.group(2).replaceAll("\\s", "");
            Matcher map = MAP.matcher(returned);
            if (map.matches()) {
                collect(key + ".*", simpleName(map.group(1)), bodies, keys, path);
                continue;
            }
            Matcher container = CONTAINER.matcher(returned);
            String element = container.matches() ? container.group(1) : returned;
            collect(key, simpleName(element), bodies, keys, path);
        }
    }

    /** Members declared directly in an interface body, with nested type bodies left out. */
    private static List<String> topLevelDeclarations(String body) {
        List<String> declarations = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (char c : body.toCharArray()) {
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    current.setLength(0);
                }
            } else if (depth == 0) {
                if (c == ';') {
                    declarations.add(current.toString().trim());
                    current.setLength(0);
                } else {
                    current.append(c);
                }
            }
        }
        return declarations;
    }

    private static Map<String, String> interfaceBodies(String code) {
        Map<String, String> bodies = new HashMap<>();
        Matcher matcher = INTERFACE.matcher(code);
        while (matcher.find()) {
            int start = matcher.end();
            int depth = 1;
            int i = start;
            while (i < code.length() && depth > 0) {
                char c = code.charAt(i++);
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                }
            }
            bodies.put(matcher.group(1), code.substring(start, i - 1));
        }
        return bodies;
    }

    private static String simpleName(String type) {
        return type.substring(type.lastIndexOf('.') + 1);
    }

    /** {@code runWaitTimeout} to {@code run-wait-timeout}, SmallRye's default naming strategy. */
    static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /**
     * Comments removed, and the characters that delimit code ({@code { } ; ( )}) replaced inside string and char
     * literals, so that Javadoc and literals cannot unbalance the scan while annotation values stay readable.
     */
    private static String normalize(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '/' && i + 1 < source.length() && source.charAt(i + 1) == '/') {
                while (i < source.length() && source.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < source.length() && source.charAt(i + 1) == '*') {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? source.length() : end + 2;
                out.append(' ');
            } else if (c == '"' || c == '\'') {
                out.append(c);
                i++;
                while (i < source.length() && source.charAt(i) != c) {
                    char inside = source.charAt(i);
                    if (inside == '\\' && i + 1 < source.length()) {
                        out.append(inside).append(source.charAt(i + 1));
                        i += 2;
                        continue;
                    }
                    out.append("{};()".indexOf(inside) >= 0 ? '_' : inside);
                    i++;
                }
                if (i < source.length()) {
                    out.append(c);
                    i++;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
