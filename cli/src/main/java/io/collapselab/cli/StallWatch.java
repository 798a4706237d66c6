package io.collapselab.cli;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Tells someone watching runs why nothing moves: when no event of the runs has arrived for {@code after}, it says
 * how long it has been and what {@code diagnose} finds wrong with the services (or that it finds nothing wrong),
 * once per quiet spell.
 */
final class StallWatch {

    private final Duration after;
    private final Supplier<List<String>> diagnose;
    private final Consumer<String> note;
    private final LongSupplier nanoClock;
    private long lastEventNanos;
    private boolean reported;

    StallWatch(Duration after, Supplier<List<String>> diagnose, Consumer<String> note, LongSupplier nanoClock) {
        this.after = after;
        this.diagnose = diagnose;
        this.note = note;
        this.nanoClock = nanoClock;
        this.lastEventNanos = nanoClock.getAsLong();
    }

    /** An event of the runs arrived: they move. */
    synchronized void moved() {
        lastEventNanos = nanoClock.getAsLong();
        reported = false;
    }

    /** Called now and then: says, once per quiet spell, that nothing has moved and what may be why. */
    synchronized void check() {
        long quiet = nanoClock.getAsLong() - lastEventNanos;
        if (reported || quiet < after.toNanos()) {
            return;
        }
        reported = true;
        List<String> problems = diagnose.get();
        String since = RunProgress.duration(quiet / 1e9);
        note.accept(problems.isEmpty()
                ? String.format(Locale.ROOT, "watch: no event for %s, and every service looks up and ready: a long "
                        + "generation, or a service stuck; its log says which", since)
                : String.format(Locale.ROOT, "watch: no event for %s: %s", since, String.join("; ", problems)));
    }
}
