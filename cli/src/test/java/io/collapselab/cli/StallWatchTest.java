package io.collapselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StallWatchTest {

    private final AtomicLong now = new AtomicLong();
    private final List<String> notes = new ArrayList<>();

    @Test
    void saysOncePerQuietSpellWhichServiceIsDown() {
        List<String> problems = new ArrayList<>(List.of("generator is not running; its log: logs/generator.log"));
        StallWatch watch = new StallWatch(Duration.ofMinutes(2), () -> problems, notes::add, now::get);

        advance(Duration.ofSeconds(119));
        watch.check();
        assertEquals(List.of(), notes, "not yet two minutes");

        advance(Duration.ofSeconds(1));
        watch.check();
        advance(Duration.ofSeconds(30));
        watch.check();
        assertEquals(List.of("watch: no event for 2m00s: generator is not running; its log: logs/generator.log"),
                notes, "said once");

        watch.moved();
        problems.clear();
        advance(Duration.ofSeconds(150));
        watch.check();
        assertEquals("watch: no event for 2m30s, and every service looks up and ready: a long generation, or a "
                + "service stuck; its log says which", notes.get(1), "a new quiet spell is said again");
    }

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }
}
