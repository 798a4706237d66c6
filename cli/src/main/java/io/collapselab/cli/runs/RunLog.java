package io.collapselab.cli.runs;

import io.collapselab.cli.RunJson;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.EvaluationCompleted;
import io.collapselab.events.EventType;
import io.collapselab.events.EventValidator;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunRequested;
import io.collapselab.events.json.EventCopies;
import io.collapselab.lm.loop.GenerationReport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the event log holds about one run: every record of it as read, and the per-generation view assembled from
 * them. Delivery is at least once, so the log may hold an event more than once (a service that restarts re-emits
 * what it had not yet committed); copies share the event id, and the view keeps the first copy read, as consumers
 * act on it. A run ends once: of several {@code RunCompleted}, the view keeps the first read.
 *
 * <p>The per-generation summary has the shape of {@code collapse loop}'s ({@link RunJson}): training loss from
 * {@code CheckpointPublished}, digests from the checkpoint and corpus events, everything else from
 * {@code EvaluationCompleted}. {@code wallMs} of generation g is the time between the {@code occurredAt} of the
 * evaluations of generations g-1 and g (for generation 0: between {@code RunRequested} and its evaluation), i.e.
 * how long the pipeline took to advance by one generation, the counterpart of the in-process loop's time between
 * two reports. It compares clocks of different hosts, so it is only as exact as their synchronisation, and never
 * negative.
 *
 * <p>The one model of a run's log: {@link RunObserver} fills it with every valid event for the live views
 * ({@code runs}, {@code watch}, {@code report}), the audit with the events that pass its record checks; both read
 * the same view, copy conflicts and {@link #lineageBreaks lineage}. Not thread-safe.
 */
public final class RunLog {

    /** {@link #status()} of a run whose {@code RunCompleted} has not been read. */
    public static final String RUNNING = "running";
    /**
     * The status of a run whose log holds differing copies of an event, a second {@code RunCompleted} or digests
     * that do not chain: what it measured cannot be told from what someone else wrote into its log.
     */
    public static final String CONTESTED = "contested";

    /** One record of the run: where it sits in the log and the event it holds. */
    public record Entry(RecordLocation location, CollapseEvent event) {
    }

    /** The events of one generation in the view, each {@code null} until read. */
    public record Generation(int generation, CheckpointPublished checkpoint, CorpusGenerated corpus,
                             EvaluationCompleted evaluation) {

        /** Checkpoint, corpus and evaluation have all been read. */
        public boolean isComplete() {
            return checkpoint != null && corpus != null && evaluation != null;
        }

        /** Whether the event of {@code type} has been read; never for the run's own events. */
        public boolean has(EventType type) {
            return switch (type) {
                case CHECKPOINT_PUBLISHED -> checkpoint != null;
                case CORPUS_GENERATED -> corpus != null;
                case EVALUATION_COMPLETED -> evaluation != null;
                case RUN_REQUESTED, RUN_COMPLETED -> false;
            };
        }

        private Generation with(CollapseEvent event) {
            if (event instanceof CheckpointPublished c) {
                return new Generation(generation, c, corpus, evaluation);
            } else if (event instanceof CorpusGenerated c) {
                return new Generation(generation, checkpoint, c, evaluation);
            } else if (event instanceof EvaluationCompleted e) {
                return new Generation(generation, checkpoint, corpus, e);
            }
            throw new IllegalArgumentException(label(event) + " is not an event of a generation");
        }
    }

    /** What {@link #add} made of a record. */
    public sealed interface Addition {

        /** The first copy of an event: it joins the view. */
        record NewEvent() implements Addition {
        }

        /** A later copy of an event that equals the first apart from when and by whom it was sent. */
        record IdenticalCopy() implements Addition {
        }

        /**
         * A record that contradicts one read before: a copy of an event with other content, or a second
         * {@code RunCompleted}. The view keeps what was read first; {@link #problems} lists the conflict.
         */
        record Conflict(String message) implements Addition {
        }
    }

    private final String runId;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Entry> firstCopies = new LinkedHashMap<>();
    private final List<String> recordProblems = new ArrayList<>();
    private final TreeMap<Integer, Generation> generations = new TreeMap<>();
    private final TreeSet<Integer> contestedGenerations = new TreeSet<>();
    private RunRequested request;
    private RunCompleted completion;
    private boolean completionContested;
    /** {@link LineageRules#breaks} of the events added so far; null until asked for after an addition. */
    private List<LineageBreak> lineageBreaks;

    /** An empty log of the run, to add its records to in log order. */
    public RunLog(String runId) {
        this.runId = RunIds.requireValid(runId);
    }

    /**
     * Adds a record of this run whose event is valid ({@link EventValidator}); the order of adding decides which
     * copy of an event is the first.
     *
     * @throws IllegalArgumentException when the event belongs to another run
     */
    public Addition add(Entry entry) {
        CollapseEvent event = entry.event();
        if (!runId.equals(event.runId())) {
            throw new IllegalArgumentException("event of run '" + event.runId() + "' added to the log of run '"
                    + runId + "'");
        }
        entries.add(entry);
        lineageBreaks = null;
        Entry first = firstCopies.putIfAbsent(event.eventId(), entry);
        if (first != null) {
            List<String> differences = EventCopies.differences(first.event(), event);
            if (differences.isEmpty()) {
                return new Addition.IdenticalCopy();
            }
            contest(event);
            return conflict(entry, label(event) + " differs from its first copy at " + first.location() + " in "
                    + String.join(", ", differences) + "; consumers act on the first copy only");
        }
        if (event instanceof RunRequested requested) {
            request = requested;
        } else if (event instanceof RunCompleted completed) {
            if (completion != null) {
                completionContested = true;
                return conflict(entry, "a second RunCompleted (generation " + completed.generation() + ", "
                        + completed.reason().wireName() + ") after the one at " + locationOf(completion)
                        + " (generation " + completion.generation() + ", " + completion.reason().wireName() + ")");
            }
            completion = completed;
        } else {
            int n = event.generation();
            generations.put(n, generations.getOrDefault(n, new Generation(n, null, null, null)).with(event));
        }
        return new Addition.NewEvent();
    }

    private void contest(CollapseEvent event) {
        if (event instanceof RunRequested) {
            contestedGenerations.add(0);
        } else if (event instanceof RunCompleted) {
            completionContested = true;
        } else {
            contestedGenerations.add(event.generation());
        }
    }

    /**
     * Whether what the log says of the run is in doubt: a copy of one of its events differs from the first, a second
     * {@code RunCompleted} was read, or its digests do not chain. The views then show the generations before the
     * first doubtful one and mark the run {@value #CONTESTED}; {@code collapse audit} says what conflicts.
     */
    public boolean isContested() {
        return completionContested || !contestedGenerations.isEmpty() || !lineageBreaks().isEmpty();
    }

    /** The first generation whose events are in doubt, or empty. */
    private OptionalInt firstContestedGeneration() {
        TreeSet<Integer> doubtful = new TreeSet<>(contestedGenerations);
        lineageBreaks().forEach(lineageBreak -> doubtful.add(lineageBreak.event().generation()));
        return doubtful.isEmpty() ? OptionalInt.empty() : OptionalInt.of(doubtful.first());
    }

    private Addition.Conflict conflict(Entry entry, String message) {
        recordProblems.add(entry.location() + ": " + message);
        return new Addition.Conflict(message);
    }

    /** Records that a record keyed by this run could not be read as a valid event. */
    void addInvalid(RecordLocation location, String reason) {
        recordProblems.add(location + ": " + reason);
    }

    public String runId() {
        return runId;
    }

    /** Whether the run was submitted as one of the grid {@code groupId}. */
    public boolean inGroup(String groupId) {
        return request().map(RunRequested::group).map(g -> g.id().equals(groupId)).orElse(false);
    }

    public Optional<RunRequested> request() {
        return Optional.ofNullable(request);
    }

    public Optional<RunCompleted> completion() {
        return Optional.ofNullable(completion);
    }

    /** Every record of the run in the order read, copies included; order is kept per topic, not across topics. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /**
     * Where the copy of {@code event} that counts, the first, was read.
     *
     * @throws IllegalArgumentException when the log holds no copy of it
     */
    public RecordLocation locationOf(CollapseEvent event) {
        Entry first = firstCopies.get(event.eventId());
        if (first == null) {
            throw new IllegalArgumentException(label(event) + " is not in the log of run '" + runId + "'");
        }
        return first.location();
    }

    /** Every generation some event has been read for, in generation order. */
    public List<Generation> generations() {
        return List.copyOf(generations.values());
    }

    public Optional<Generation> generation(int generation) {
        return Optional.ofNullable(generations.get(generation));
    }

    /**
     * The reason of the {@code RunCompleted} ({@code max-generations}, {@code failed}, ...), {@value #RUNNING}, or
     * {@value #CONTESTED} when {@link #isContested()}.
     */
    public String status() {
        if (isContested()) {
            return CONTESTED;
        }
        return completion == null ? RUNNING : completion.reason().wireName();
    }

    /**
     * Whether the run is over and the log shows all of it: {@code RunCompleted} has been read and, when the run
     * ended normally (maximum generations reached or collapse detected), so has every event of every generation up
     * to the last.
     */
    public boolean isComplete() {
        if (completion == null) {
            return false;
        }
        // A contested log does not settle by waiting: the views show what it supports and say it is contested.
        return isContested() || !completion.reason().isNormalEnd() || reports().size() > completion.generation();
    }

    /**
     * The summary entry of a generation, once its checkpoint, corpus and evaluation, the {@code RunRequested} and
     * the previous generation's evaluation (for {@code wallMs}) have been read; none from the first generation whose
     * events are in doubt on ({@link #isContested}), so live views do not show what the final table leaves out.
     */
    public Optional<GenerationReport> report(int generation) {
        Generation g = generations.get(generation);
        if (g == null || !g.isComplete() || generation >= firstContestedGeneration().orElse(Integer.MAX_VALUE)) {
            return Optional.empty();
        }
        Instant previous;
        if (generation == 0) {
            previous = request == null ? null : request.occurredAt();
        } else {
            Generation before = generations.get(generation - 1);
            previous = before == null || before.evaluation() == null ? null : before.evaluation().occurredAt();
        }
        if (previous == null) {
            return Optional.empty();
        }
        EvaluationCompleted e = g.evaluation();
        long wallMs = Math.max(0, Duration.between(previous, e.occurredAt()).toMillis());
        return Optional.of(new GenerationReport(generation, g.checkpoint().trainLoss(), e.heldoutLoss(),
                e.heldoutPerplexity(), e.heldoutMethod(), e.heldoutTokens(), e.heldoutBitsPerByte(),
                e.heldoutWordPerplexity(), e.wholeTextLoss(), e.wholeTextPerplexity(), e.wholeTextBitsPerByte(),
                e.wholeTextWordPerplexity(), e.wholeTextTokens(), e.distinct1(), e.distinct2(), e.distinct3(),
                e.repetition(), e.entropy(), e.tailMass(), e.unseenWordShare(), e.cycleLength(),
                g.checkpoint().checkpoint().sha256(), g.corpus().corpus().sha256(), e.sampleExcerpt(), wallMs,
                e.collapsed()));
    }

    /** The summary entries of generations 0, 1, ... up to the first that {@link #report} cannot give. */
    public List<GenerationReport> reports() {
        List<GenerationReport> reports = new ArrayList<>();
        for (int g = 0; ; g++) {
            Optional<GenerationReport> report = report(g);
            if (report.isEmpty()) {
                return reports;
            }
            reports.add(report.get());
        }
    }

    /**
     * The run summary in the shape {@code collapse loop --json} writes; the status is {@value #RUNNING} until
     * {@code RunCompleted} has been read.
     *
     * @throws IllegalStateException when the log holds no {@code RunRequested} of the run, so there is no config
     */
    public RunJson summary() {
        if (request == null) {
            throw new IllegalStateException("the event log holds no RunRequested of run '" + runId + "', so there"
                    + " is no run to summarise; check the run id and the Kafka cluster");
        }
        return new RunJson(runId, status(), request.config(), reports(), request.group());
    }

    /**
     * What is wrong with the run's records, each naming the record or generation: records that are not valid
     * events, copies of an event that differ from the first copy, a second {@code RunCompleted}, events outside the
     * run's config, and {@link #lineageBreaks breaks in the lineage}. Empty for a sound log.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>(recordProblems);
        if (request != null) {
            for (Entry first : firstCopies.values()) {
                EventValidator.problems(first.event(), request.config())
                        .forEach(problem -> problems.add(label(first.event()) + ": " + problem));
            }
        }
        lineageBreaks().forEach(lineageBreak -> problems.add(lineageBreak.message()));
        return problems;
    }

    /**
     * Where the digests of the view's events do not chain ({@link LineageRules} says which must), by generation:
     * the breaks the live views list among the {@link #problems} and the audit reports as discrepancies.
     */
    public List<LineageBreak> lineageBreaks() {
        if (lineageBreaks == null) {
            lineageBreaks = LineageRules.breaks(this);
        }
        return lineageBreaks;
    }

    /** One line on how far the run has got, for progress output and timeout messages. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(request == null ? "no RunRequested read" : "requested at " + request.occurredAt());
        for (Generation g : generations.values()) {
            List<String> seen = new ArrayList<>();
            if (g.checkpoint() != null) {
                seen.add("checkpoint");
            }
            if (g.corpus() != null) {
                seen.add("corpus");
            }
            if (g.evaluation() != null) {
                seen.add("evaluation");
            }
            parts.add("generation " + g.generation() + ": " + String.join(", ", seen));
        }
        if (completion == null) {
            parts.add("no RunCompleted read");
        } else {
            String detail = completion.detail() == null || completion.detail().isBlank()
                    ? ""
                    : " (" + completion.detail() + ")";
            parts.add("completed at generation " + completion.generation() + ": " + completion.reason().wireName()
                    + detail);
        }
        return "run " + runId + ": " + String.join("; ", parts);
    }

    @Override
    public String toString() {
        return describe();
    }

    /** How messages name an event: its type and generation, e.g. {@code CheckpointPublished(1)}. */
    public static String label(CollapseEvent event) {
        return event.type().typeName() + "(" + event.generation() + ")";
    }
}
