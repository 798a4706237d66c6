package io.collapselab.cli.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collapselab.cli.audit.Discrepancy.Kind;
import io.collapselab.cli.runs.RecordLocation;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.EvaluationCompleted;
import io.collapselab.events.EventIds;
import io.collapselab.events.EventType;
import io.collapselab.events.EventValidator;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunRequested;
import io.collapselab.events.config.MixingSettings;
import io.collapselab.events.config.RunConfig;
import io.collapselab.events.json.EventJson;
import io.collapselab.events.kafka.DecodedEvent;
import io.collapselab.events.kafka.EventRecords;
import io.collapselab.events.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a run's records say, checked without the object store: every record against the event contracts, copies
 * of an event against each other, the generations for gaps and the digests for breaks in the lineage. Events that
 * fail a record check are reported and left out of the lineage, as the services would refuse them; of several
 * copies of an event the first in the log is the one consumers act on, so it is the one the lineage uses.
 *
 * <p>Not thread-safe; built once by {@link #analyze}.
 */
final class LogAnalysis {

    /** An event accepted into the lineage and where its first copy was read. */
    record Located<E extends CollapseEvent>(E event, RecordLocation location) {
    }

    /** The accepted events of one generation, each {@code null} when the log has none. */
    record Generation(int generation, Located<CheckpointPublished> checkpoint, Located<CorpusGenerated> corpus,
                      Located<EvaluationCompleted> evaluation) {

        boolean isComplete() {
            return checkpoint != null && corpus != null && evaluation != null;
        }

        boolean has(EventType type) {
            return switch (type) {
                case CHECKPOINT_PUBLISHED -> checkpoint != null;
                case CORPUS_GENERATED -> corpus != null;
                case EVALUATION_COMPLETED -> evaluation != null;
                case RUN_REQUESTED, RUN_COMPLETED -> false;
            };
        }
    }

    // Fields a re-emitted copy of an event may legitimately change: when, and by which instance, it was sent.
    private static final List<String> EMISSION_FIELDS = List.of("occurredAt", "producer");
    private static final List<EventType> GENERATION_EVENTS = List.of(EventType.CHECKPOINT_PUBLISHED,
            EventType.CORPUS_GENERATED, EventType.EVALUATION_COMPLETED);
    private static final ObjectMapper MAPPER = EventJson.newObjectMapper();

    private final String runId;
    private final List<Discrepancy> discrepancies = new ArrayList<>();
    private final Map<String, Located<CollapseEvent>> firstCopies = new LinkedHashMap<>();
    private final TreeMap<Integer, Generation> generations = new TreeMap<>();
    private Located<RunRequested> request;
    private Located<RunCompleted> completion;
    private int records;
    private int identicalCopies;
    private int deadLetters;

    private LogAnalysis(String runId) {
        this.runId = runId;
    }

    /**
     * @param records the run's records in log order (see {@link EventLogReplay#read}); the order decides which
     *                copy of an event is the first
     */
    static LogAnalysis analyze(String runId, List<ConsumerRecord<String, byte[]>> records) {
        LogAnalysis analysis = new LogAnalysis(runId);
        analysis.records = records.size();
        List<Parsed> parsed = new ArrayList<>();
        List<ConsumerRecord<String, byte[]>> deadLetterRecords = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (Topics.DEAD_LETTER.equals(record.topic())) {
                deadLetterRecords.add(record);
            } else {
                analysis.parse(record).ifPresent(parsed::add);
            }
        }
        RunConfig config = configOf(parsed);
        for (Parsed p : parsed) {
            if (analysis.fulfilsContract(p, config)) {
                analysis.accept(new Located<>(p.event(), p.location()));
            }
        }
        analysis.findGaps();
        analysis.checkLineage(config);
        deadLetterRecords.forEach(analysis::readDeadLetter);
        return analysis;
    }

    String runId() {
        return runId;
    }

    Optional<Located<RunRequested>> request() {
        return Optional.ofNullable(request);
    }

    Optional<Located<RunCompleted>> completion() {
        return Optional.ofNullable(completion);
    }

    /** Every generation some accepted event names, in order. */
    List<Generation> generations() {
        return List.copyOf(generations.values());
    }

    Optional<Generation> generation(int generation) {
        return Optional.ofNullable(generations.get(generation));
    }

    List<Discrepancy> discrepancies() {
        return List.copyOf(discrepancies);
    }

    /** How many records of the run the log holds, dead letters included. */
    int records() {
        return records;
    }

    /** Copies of an accepted event that equal their first copy apart from when and by whom they were sent. */
    int identicalCopies() {
        return identicalCopies;
    }

    int deadLetters() {
        return deadLetters;
    }

    /** A record read as an event, and whether it has passed every check so far. */
    private record Parsed(ConsumerRecord<String, byte[]> record, RecordLocation location, CollapseEvent event,
                          boolean clean) {
    }

    /** The record as an event of this run, or empty when it is none (and has been reported). */
    private Optional<Parsed> parse(ConsumerRecord<String, byte[]> record) {
        RecordLocation location = RecordLocation.of(record);
        if (record.value() == null) {
            add(Kind.MALFORMED_RECORD, null, location, "record has no value");
            return Optional.empty();
        }
        CollapseEvent event;
        try {
            event = EventJson.readEvent(record.value());
        } catch (RuntimeException e) {
            add(Kind.MALFORMED_RECORD, null, location, e.getMessage());
            return Optional.empty();
        }
        String label = label(event);
        // Without a run id the event is this run's by its key, and validation reports the missing id.
        if (event.runId() != null && !runId.equals(event.runId())) {
            add(Kind.WRONG_KEY, event.generation(), location, "record keyed '" + record.key() + "' holds " + label
                    + " of run '" + event.runId() + "'");
            return Optional.empty();
        }
        boolean clean = true;
        if (!runId.equals(record.key())) {
            add(Kind.WRONG_KEY, event.generation(), location, label + " is keyed '" + record.key() + "' instead of"
                    + " its run id, so it may sit on another partition than the rest of the run and be read out of"
                    + " order");
            clean = false;
        }
        String expectedTopic = Topics.topicFor(event);
        if (!expectedTopic.equals(record.topic())) {
            add(Kind.INVALID_EVENT, event.generation(), location, label + " was published on " + record.topic()
                    + ", but its type belongs on " + expectedTopic + ", where the services read it");
            clean = false;
        }
        String expectedId = EventIds.eventId(runId, event.type(), event.generation());
        if (!expectedId.equals(event.eventId())) {
            add(Kind.WRONG_EVENT_ID, event.generation(), location, label + " has eventId '" + event.eventId()
                    + "', but the id of " + runId + "|" + event.type().typeName() + "|" + event.generation() + " is "
                    + expectedId + ", so consumers cannot recognise its copies");
            // Checked on with the right id, so that its other problems are reported once each.
            event = withEventId(event, expectedId);
            clean = false;
        }
        return Optional.of(new Parsed(record, location, event, clean));
    }

    /**
     * The config of the first {@code RunRequested} the services would accept (its record, body and headers sound),
     * or {@code null} when there is none.
     */
    private static RunConfig configOf(List<Parsed> parsed) {
        for (Parsed p : parsed) {
            if (p.clean() && p.event() instanceof RunRequested requested
                    && EventRecords.decode(p.record()) instanceof DecodedEvent.Valid) {
                return requested.config();
            }
        }
        return null;
    }

    /** Whether the event may join the lineage: no problem with its record so far, none against the contract. */
    private boolean fulfilsContract(Parsed p, RunConfig config) {
        CollapseEvent event = p.event();
        List<String> problems = EventValidator.problems(event, config);
        if (!problems.isEmpty()) {
            add(Kind.INVALID_EVENT, event.generation(), p.location(), label(event) + ": "
                    + String.join("; ", problems));
            return false;
        }
        if (!p.clean()) {
            return false;
        }
        // Everything the services check that the checks above do not: the CloudEvents headers against the body.
        if (EventRecords.decode(p.record()) instanceof DecodedEvent.Invalid invalid) {
            add(Kind.INVALID_EVENT, event.generation(), p.location(), label(event) + ": " + invalid.reason());
            return false;
        }
        return true;
    }

    private void accept(Located<CollapseEvent> located) {
        CollapseEvent event = located.event();
        Located<CollapseEvent> first = firstCopies.putIfAbsent(event.eventId(), located);
        if (first != null) {
            List<String> differences = differences(first.event(), event);
            if (differences.isEmpty()) {
                identicalCopies++;
            } else {
                add(Kind.CONFLICTING_DUPLICATE, event.generation(), located.location(), label(event) + " differs"
                        + " from its first copy at " + first.location() + " in " + String.join(", ", differences)
                        + "; consumers act on the first copy only");
            }
            return;
        }
        int n = event.generation();
        Generation g = generations.getOrDefault(n, new Generation(n, null, null, null));
        if (event instanceof RunRequested requested) {
            request = new Located<>(requested, located.location());
        } else if (event instanceof RunCompleted completed) {
            if (completion == null) {
                completion = new Located<>(completed, located.location());
            } else {
                add(Kind.CONFLICTING_DUPLICATE, n, located.location(), "a second RunCompleted (generation " + n
                        + ", " + completed.reason().wireName() + ") after the one at " + completion.location()
                        + " (generation " + completion.event().generation() + ", "
                        + completion.event().reason().wireName() + ")");
            }
        } else if (event instanceof CheckpointPublished checkpoint) {
            generations.put(n, new Generation(n, new Located<>(checkpoint, located.location()), g.corpus(),
                    g.evaluation()));
        } else if (event instanceof CorpusGenerated corpus) {
            generations.put(n, new Generation(n, g.checkpoint(), new Located<>(corpus, located.location()),
                    g.evaluation()));
        } else if (event instanceof EvaluationCompleted evaluation) {
            generations.put(n, new Generation(n, g.checkpoint(), g.corpus(),
                    new Located<>(evaluation, located.location())));
        }
    }

    /** An event of one generation that the rest of the log implies. */
    private record Need(int generation, EventType type) {
    }

    /**
     * Generation events the log implies but lacks. Whatever state a run is in, a checkpoint needs its parent
     * checkpoint and the corpus it was trained on, a corpus the checkpoint it was sampled from, an evaluation the
     * checkpoint and corpus it measured. A run that ended normally needs all three events of every generation up
     * to the one it ended at; a failed or cancelled one the checkpoint it names as its last.
     */
    private void findGaps() {
        if (request == null && (!generations.isEmpty() || completion != null)) {
            add(Kind.MISSING_EVENT, null, null, "no sound RunRequested of the run in " + Topics.RUNS + ": its"
                    + " config and inputs are unknown, so its events were checked without the config and its"
                    + " inputs not at all");
        }
        Map<Need, List<String>> needs = new LinkedHashMap<>();
        for (Generation g : generations.values()) {
            int n = g.generation();
            if (g.checkpoint() != null && n >= 1) {
                need(needs, new Need(n - 1, EventType.CHECKPOINT_PUBLISHED),
                        "checkpoint " + n + " names it as its parent");
                need(needs, new Need(n - 1, EventType.CORPUS_GENERATED),
                        "checkpoint " + n + " was trained on it");
            }
            if (g.corpus() != null) {
                need(needs, new Need(n, EventType.CHECKPOINT_PUBLISHED), "corpus " + n + " was sampled from it");
            }
            if (g.evaluation() != null) {
                need(needs, new Need(n, EventType.CHECKPOINT_PUBLISHED), "evaluation " + n + " measured it");
                need(needs, new Need(n, EventType.CORPUS_GENERATED), "evaluation " + n + " measured it");
            }
        }
        if (completion != null) {
            RunCompleted c = completion.event();
            if (c.reason().isNormalEnd()) {
                for (int n = 0; n <= c.generation(); n++) {
                    for (EventType type : GENERATION_EVENTS) {
                        need(needs, new Need(n, type), "the run completed at generation " + c.generation()
                                + " (" + c.reason().wireName() + ")");
                    }
                }
            } else if (c.lastGeneration() != null) {
                need(needs, new Need(c.lastGeneration(), EventType.CHECKPOINT_PUBLISHED),
                        "RunCompleted names generation " + c.lastGeneration() + " as the last with a checkpoint");
            }
        }
        needs.entrySet().stream()
                .filter(need -> !generation(need.getKey().generation())
                        .map(g -> g.has(need.getKey().type())).orElse(false))
                .sorted(Map.Entry.comparingByKey((a, b) -> a.generation() != b.generation()
                        ? Integer.compare(a.generation(), b.generation())
                        : Integer.compare(GENERATION_EVENTS.indexOf(a.type()), GENERATION_EVENTS.indexOf(b.type()))))
                .forEach(need -> add(Kind.MISSING_EVENT, need.getKey().generation(), null, "no "
                        + need.getKey().type().typeName() + " of generation " + need.getKey().generation()
                        + ", though " + String.join(", and ", need.getValue())));
    }

    private static void need(Map<Need, List<String>> needs, Need need, String reason) {
        needs.computeIfAbsent(need, n -> new ArrayList<>()).add(reason);
    }

    /**
     * Digests that must chain: generation 0 trained on the run's training text, every later checkpoint on its
     * parent, under {@code replace} trained on the previous corpus (other policies train on a mix that only the
     * objects tell, see {@link ObjectVerification}), every corpus sampled from its generation's checkpoint, every
     * evaluation of its generation's checkpoint and corpus.
     */
    private void checkLineage(RunConfig config) {
        for (Generation g : generations.values()) {
            int n = g.generation();
            Located<CheckpointPublished> checkpoint = g.checkpoint();
            String checkpointSha = checkpoint == null ? null : checkpoint.event().checkpoint().sha256();
            Generation previous = generations.get(n - 1);
            if (checkpoint != null && n == 0 && request != null) {
                chain(checkpoint, "was trained on", checkpoint.event().trainedOnSha256(), "the run's training text",
                        request.event().inputs().train().sha256());
            }
            if (checkpoint != null && previous != null && previous.checkpoint() != null) {
                chain(checkpoint, "names parent checkpoint", checkpoint.event().parentCheckpointSha256(),
                        "checkpoint " + (n - 1), previous.checkpoint().event().checkpoint().sha256());
            }
            if (checkpoint != null && previous != null && previous.corpus() != null && config != null
                    && MixingSettings.REPLACE.equals(config.mixing().policy())) {
                chain(checkpoint, "was trained on", checkpoint.event().trainedOnSha256(), "under the replace policy"
                        + " it trains on corpus " + (n - 1) + ", which", previous.corpus().event().corpus().sha256());
            }
            if (g.corpus() != null && checkpointSha != null) {
                chain(g.corpus(), "was sampled from checkpoint", g.corpus().event().checkpointSha256(),
                        "checkpoint " + n, checkpointSha);
            }
            Located<EvaluationCompleted> evaluation = g.evaluation();
            if (evaluation != null && checkpointSha != null) {
                chain(evaluation, "measured checkpoint", evaluation.event().checkpointSha256(), "checkpoint " + n,
                        checkpointSha);
            }
            if (evaluation != null && g.corpus() != null) {
                chain(evaluation, "measured corpus", evaluation.event().corpusSha256(), "corpus " + n,
                        g.corpus().event().corpus().sha256());
            }
        }
    }

    private void chain(Located<? extends CollapseEvent> named, String relation, String actual, String expectedWhat,
                       String expected) {
        if (!Objects.equals(actual, expected)) {
            add(Kind.LINEAGE_BREAK, named.event().generation(), named.location(), label(named.event()) + " "
                    + relation + " " + actual + ", but " + expectedWhat + " is " + expected);
        }
    }

    /**
     * A dead letter of the run. When the record it refused has been reported already, the refusal is added to
     * that report rather than counted twice; otherwise it is a discrepancy of its own, since a refused event never
     * took effect.
     */
    private void readDeadLetter(ConsumerRecord<String, byte[]> record) {
        RecordLocation location = RecordLocation.of(record);
        DeadLetter deadLetter;
        try {
            deadLetter = EventJson.readDeadLetter(record.value());
        } catch (RuntimeException e) {
            add(Kind.MALFORMED_RECORD, null, location, "not a dead letter: " + e.getMessage());
            return;
        }
        deadLetters++;
        RecordLocation source = new RecordLocation(deadLetter.sourceTopic(), deadLetter.sourcePartition(),
                deadLetter.sourceOffset());
        String refusedBy = deadLetter.refusedBy() == null ? "a service" : deadLetter.refusedBy().service();
        for (int i = 0; i < discrepancies.size(); i++) {
            if (source.equals(discrepancies.get(i).location())) {
                discrepancies.set(i, discrepancies.get(i).withNote(refusedBy + " refused it (dead letter "
                        + location + ")"));
                return;
            }
        }
        Optional<CollapseEvent> refused = refusedEvent(deadLetter);
        add(Kind.REFUSED_RECORD, refused.map(CollapseEvent::generation).orElse(null), location, refusedBy
                + " refused the record at " + source + refused.map(e -> " (" + label(e) + ")").orElse("") + ": "
                + deadLetter.reason());
    }

    private static Optional<CollapseEvent> refusedEvent(DeadLetter deadLetter) {
        byte[] original = deadLetter.originalValue();
        if (original == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(EventJson.readEvent(original));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The fields in which two copies of an event differ, apart from when and by whom they were sent, each as
     * {@code path (first value vs this value)}.
     */
    private static List<String> differences(CollapseEvent first, CollapseEvent copy) {
        List<String> differences = new ArrayList<>();
        diff("", comparable(first), comparable(copy), differences);
        return differences;
    }

    private static void diff(String path, JsonNode first, JsonNode copy, List<String> differences) {
        if (first != null && copy != null && first.isObject() && copy.isObject()) {
            for (Iterator<String> names = first.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                diff(path.isEmpty() ? name : path + "." + name, first.get(name), copy.get(name), differences);
            }
            for (Iterator<String> names = copy.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!first.has(name)) {
                    diff(path.isEmpty() ? name : path + "." + name, null, copy.get(name), differences);
                }
            }
        } else if (!Objects.equals(first, copy)) {
            differences.add(path + " (" + first + " vs " + copy + ")");
        }
    }

    private static ObjectNode comparable(CollapseEvent event) {
        try {
            ObjectNode tree = (ObjectNode) MAPPER.readTree(EventJson.toBytes(event));
            tree.remove(EMISSION_FIELDS);
            return tree;
        } catch (IOException e) {
            throw new UncheckedIOException("an event written by EventJson must read back as JSON", e);
        }
    }

    /** The event as it would read with {@code eventId}, every other field exactly as published. */
    private static CollapseEvent withEventId(CollapseEvent event, String eventId) {
        try {
            ObjectNode tree = (ObjectNode) MAPPER.readTree(EventJson.toBytes(event));
            tree.put("eventId", eventId);
            return EventJson.readEvent(MAPPER.writeValueAsBytes(tree));
        } catch (IOException e) {
            throw new UncheckedIOException("an event written by EventJson must read back as JSON", e);
        }
    }

    static String label(CollapseEvent event) {
        return event.type().typeName() + "(" + event.generation() + ")";
    }

    private void add(Kind kind, Integer generation, RecordLocation location, String message) {
        discrepancies.add(new Discrepancy(kind, generation, location, message));
    }
}
