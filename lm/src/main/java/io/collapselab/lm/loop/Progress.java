package io.collapselab.lm.loop;

/** Live progress of one generation's work; called on the working thread. */
@FunctionalInterface
public interface Progress {

    Progress NONE = (generation, phase, done, total) -> { };

    /**
     * @param phase {@code train}, {@code evaluate} or {@code sample}
     * @param done units of the phase done so far (steps or tokens)
     * @param total units of the whole phase
     */
    void update(int generation, String phase, long done, long total);
}
