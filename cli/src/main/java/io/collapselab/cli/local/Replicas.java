package io.collapselab.cli.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many processes of each service {@code collapse up} runs. The replicas of a service share its consumer group,
 * so Kafka spreads the runs' partitions over them: more replicas carry more runs at once, never one run faster.
 * The first replica's process has the service's own name ({@code trainer}), the others a number ({@code trainer-2}).
 *
 * @param counts replicas per service of {@link LocalProcesses#SERVICES}, each at least one
 */
public record Replicas(Map<String, Integer> counts) {

    /** One process per service. */
    public static final Replicas ONE_EACH = parse("");

    /**
     * A replica beyond the topics' partitions (6, events' Topics) would get none and idle; more than a few also
     * overload one machine. The bound keeps a typo such as {@code trainer=20} from starting twenty JVMs.
     */
    static final int MAX_PER_SERVICE = 6;

    private static final Pattern ENTRY = Pattern.compile("([a-z]+)=([0-9]{1,3})");
    private static final Pattern REPLICA_NAME = Pattern.compile("([a-z]+)(?:-([2-9]|[1-9][0-9]+))?");

    public Replicas {
        counts = Map.copyOf(counts);
    }

    /**
     * Reads {@code trainer=2,generator=2,evaluator=1}; a service left out runs once.
     *
     * @throws IllegalArgumentException naming what is wrong, for the option's error message
     */
    public static Replicas parse(String spec) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        LocalProcesses.SERVICES.forEach(service -> counts.put(service, 1));
        if (spec.isBlank()) {
            return new Replicas(counts);
        }
        List<String> seen = new ArrayList<>();
        for (String entry : spec.split(",", -1)) {
            Matcher matcher = ENTRY.matcher(entry.strip());
            if (!matcher.matches()) {
                throw new IllegalArgumentException("'" + entry + "' is not SERVICE=COUNT; write e.g."
                        + " trainer=2,generator=2,evaluator=1");
            }
            String service = matcher.group(1);
            int count = Integer.parseInt(matcher.group(2));
            if (!counts.containsKey(service)) {
                throw new IllegalArgumentException("unknown service '" + service + "'; the services are "
                        + LocalProcesses.SERVICES);
            }
            if (seen.contains(service)) {
                throw new IllegalArgumentException(service + " is given twice");
            }
            if (count < 1 || count > MAX_PER_SERVICE) {
                throw new IllegalArgumentException(service + "=" + count + ": between 1 and " + MAX_PER_SERVICE
                        + " replicas per service (the topics have 6 partitions)");
            }
            seen.add(service);
            counts.put(service, count);
        }
        return new Replicas(counts);
    }

    /** The process names of {@code service}'s replicas, in start order. */
    public List<String> names(String service) {
        List<String> names = new ArrayList<>();
        for (int replica = 1; replica <= counts.getOrDefault(service, 1); replica++) {
            names.add(replica == 1 ? service : service + "-" + replica);
        }
        return names;
    }

    /** The service a process name belongs to, or null where the name is no replica of a service. */
    static String serviceOf(String name) {
        Matcher matcher = REPLICA_NAME.matcher(name);
        return matcher.matches() && LocalProcesses.SERVICES.contains(matcher.group(1)) ? matcher.group(1) : null;
    }
}
