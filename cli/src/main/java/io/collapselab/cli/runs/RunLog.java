package io.collapselab.cli.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collapselab.cli.RunJson;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.EvaluationCompleted;
import io.collapselab.events.EventValidator;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunRequested;
import io.collapselab.events.json.EventJson;
import io.collapselab.experiment.MixingSettings;
import io.collapselab.lm.loop.GenerationReport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the event log holds about one run: every record of it as read, and the per-generation view assembled from
 * them. Delivery is at least once, so the log may hold an event more than once (a service that restarts re-emits
 * what it had not yet committed); copies share the event id, and the view keeps the first copy read.
 *
 * <p>The per-generation summary has the shape of {@code collapse loop}'s ({@link RunJson}): training loss from
 * {@code CheckpointPublished}, digests from the checkpoint and corpus events, everything else from
 * {@code EvaluationCompleted}. {@code wallMs} of generation g is the time between the {@code occurredAt} of the
 * evaluations of generations g-1 and g (for generation 0: between {@code RunRequested} and its evaluation), i.e.
 * how long the pipeline took to advance by one generation, the counterpart of the in-process loop's time between
 * two reports. It compares clocks of different hosts, so it is only as exact as their synchronisation, and never
 * negative.
 *
 * <p>Built by {@link RunObserver}; not thread-safe.
 */
public final class RunLog {

    /** {@link #status()} of a run whose {@code RunCompleted} has not been read. */
    public static final String RUNNING = "running";

    // Fields a re-emitted copy of an event may legitimately change: when, and by which instance, it was sent.
    private static final List<String> EMISSION_FIELDS = List.of("occurredAt", "producer");
    private static final ObjectMapper MAPPER = EventJson.newObjectMapper();

    /** One record of the run: where it sits in the log and the event it holds. */
    public record Entry(String topic, int partition, long offset, CollapseEvent event) {
    }

    /** The events of one generation, each {@code null} until read. */
    public record Generation(int generation, CheckpointPublished checkpoint, CorpusGenerated corpus,
                             EvaluationCompleted evaluation) {

        /** Checkpoint, corpus and evaluation have all been read. */
        public boolean isComplete() {
            return checkpoint != null && corpus != null && evaluation != null;
        }
    }

    private final String runId;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Entry> firstCopies = new LinkedHashMap<>();
    private final List<String> recordProblems = new ArrayList<>();
    private final TreeMap<Integer, Generation> generations = new TreeMap<>();
    private RunRequested request;
    private RunCompleted completion;

    RunLog(String runId) {
        this.runId = RunIds.requireValid(runId);
    }

    /**
     * Adds a record of this run.
     *
     * @return whether it holds the first copy of its event (a copy read later only counts as a record)
     */
    boolean add(Entry entry) {
        CollapseEvent event = entry.event();
        if (!runId.equals(event.runId())) {
            throw new IllegalArgumentException("event of run '" + event.runId() + "' added to the log of run '"
                    + runId + "'");
        }
        entries.add(entry);
        Entry first = firstCopies.putIfAbsent(event.eventId(), entry);
        if (first != null) {
            if (!withoutEmissionFields(first.event()).equals(withoutEmissionFields(event))) {
                recordProblems.add(where(entry) + ": " + label(event) + " differs from its first copy at "
                        + where(first) + " in more than when and by whom it was sent");
            }
            return false;
        }
        if (event instanceof RunRequested requested) {
            request = requested;
        } else if (event instanceof RunCompleted completed) {
            completion = completed;
        } else if (event instanceof CheckpointPublished checkpoint) {
            Generation g = orEmpty(checkpoint.generation());
            generations.put(g.generation(), new Generation(g.generation(), checkpoint, g.corpus(), g.evaluation()));
        } else if (event instanceof CorpusGenerated corpus) {
            Generation g = orEmpty(corpus.generation());
            generations.put(g.generation(), new Generation(g.generation(), g.checkpoint(), corpus, g.evaluation()));
        } else if (event instanceof EvaluationCompleted evaluation) {
            Generation g = orEmpty(evaluation.generation());
            generations.put(g.generation(), new Generation(g.generation(), g.checkpoint(), g.corpus(), evaluation));
        }
        return true;
    }

    /** Records that a record keyed by this run could not be read as a valid event. */
    void addInvalid(String topic, int partition, long offset, String reason) {
        recordProblems.add(topic + "-" + partition + "@" + offset + ": " + reason);
    }

    public String runId() {
        return runId;
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

    /** Every generation some event has been read for, in generation order. */
    public List<Generation> generations() {
        return List.copyOf(generations.values());
    }

    public Optional<Generation> generation(int generation) {
        return Optional.ofNullable(generations.get(generation));
    }

    /** The reason of the {@code RunCompleted} ({@code max-generations}, {@code failed}, ...), or {@value #RUNNING}. */
    public String status() {
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
        return !completion.reason().isNormalEnd() || reports().size() > completion.generation();
    }

    /**
     * The summary entry of a generation, once its checkpoint, corpus and evaluation, the {@code RunRequested} and
     * the previous generation's evaluation (for {@code wallMs}) have been read.
     */
    public Optional<GenerationReport> report(int generation) {
        Generation g = generations.get(generation);
        if (g == null || !g.isComplete()) {
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
                e.heldoutPerplexity(), e.distinct1(), e.distinct2(), e.distinct3(), e.repetition(), e.entropy(),
                e.tailMass(), e.cycleLength(), g.checkpoint().checkpoint().sha256(), g.corpus().corpus().sha256(),
                e.sampleExcerpt(), wallMs, e.collapsed()));
    }

    /** The summary entries of generations 0, 1, ... up to the first that {@link #report} cannot give yet. */
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
        return new RunJson(runId, status(), request.config(), reports());
    }

    /**
     * What is wrong with the run's records, each naming the record or generation: records that are not valid
     * events, copies of an event that differ from the first copy, events outside the run's config, and breaks in
     * the lineage (a checkpoint whose parent is not the previous generation's checkpoint, a corpus or evaluation
     * of another checkpoint or corpus than its generation's, generation 0 not trained on the run's training text,
     * and, under the {@code replace} policy, generation g+1 not trained on corpus g). Empty for a sound log.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>(recordProblems);
        if (request != null) {
            for (Entry first : firstCopies.values()) {
                EventValidator.problems(first.event(), request.config())
                        .forEach(problem -> problems.add(label(first.event()) + ": " + problem));
            }
        }
        for (Generation g : generations.values()) {
            lineageProblems(g, problems);
        }
        return problems;
    }

    private void lineageProblems(Generation g, List<String> problems) {
        int n = g.generation();
        CheckpointPublished checkpoint = g.checkpoint();
        String checkpointSha = checkpoint == null ? null : checkpoint.checkpoint().sha256();
        if (checkpoint != null && n == 0 && request != null) {
            mismatch(problems, "generation 0's checkpoint was trained on", checkpoint.trainedOnSha256(),
                    "the run's training text is", request.inputs().train().sha256());
        }
        Generation previous = generations.get(n - 1);
        if (checkpoint != null && previous != null && previous.checkpoint() != null) {
            mismatch(problems, "generation " + n + "'s checkpoint names parent", checkpoint.parentCheckpointSha256(),
                    "generation " + (n - 1) + "'s checkpoint is", previous.checkpoint().checkpoint().sha256());
        }
        if (checkpoint != null && previous != null && previous.corpus() != null && request != null
                && MixingSettings.REPLACE.equals(request.config().mixing().policy())) {
            mismatch(problems, "generation " + n + "'s checkpoint was trained on", checkpoint.trainedOnSha256(),
                    "under the replace policy it trains on generation " + (n - 1) + "'s corpus,",
                    previous.corpus().corpus().sha256());
        }
        if (checkpointSha != null && g.corpus() != null) {
            mismatch(problems, "generation " + n + "'s corpus was sampled from", g.corpus().checkpointSha256(),
                    "its checkpoint is", checkpointSha);
        }
        EvaluationCompleted evaluation = g.evaluation();
        if (evaluation != null && checkpointSha != null) {
            mismatch(problems, "generation " + n + "'s evaluation measured checkpoint",
                    evaluation.checkpointSha256(), "its checkpoint is", checkpointSha);
        }
        if (evaluation != null && g.corpus() != null) {
            mismatch(problems, "generation " + n + "'s evaluation measured corpus", evaluation.corpusSha256(),
                    "its corpus is", g.corpus().corpus().sha256());
        }
    }

    private static void mismatch(List<String> problems, String what, String actual, String but, String expected) {
        if (!Objects.equals(actual, expected)) {
            problems.add(what + " " + actual + ", but " + but + " " + expected);
        }
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

    private Generation orEmpty(int generation) {
        return generations.getOrDefault(generation, new Generation(generation, null, null, null));
    }

    private static ObjectNode withoutEmissionFields(CollapseEvent event) {
        ObjectNode tree = MAPPER.valueToTree(event);
        tree.remove(EMISSION_FIELDS);
        return tree;
    }

    private static String label(CollapseEvent event) {
        return event.type().typeName() + "(" + event.generation() + ")";
    }

    private static String where(Entry entry) {
        return entry.topic() + "-" + entry.partition() + "@" + entry.offset();
    }
}
