package io.collapselab.cli.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collapselab.cli.audit.Discrepancy.Kind;
import io.collapselab.cli.runs.LineageBreak;
import io.collapselab.cli.runs.RecordLocation;
import io.collapselab.cli.runs.RunLog.Generation;
import io.collapselab.cli.runs.RunLog;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.DeadLetter;
import io.collapselab.events.EventIds;
import io.collapselab.events.EventType;
import io.collapselab.events.EventValidator;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunRequested;
import io.collapselab.events.json.EventJson;
import io.collapselab.events.kafka.DecodedEvent;
import io.collapselab.events.kafka.EventRecords;
import io.collapselab.events.kafka.Topics;
import io.collapselab.experiment.ExperimentConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a run's records say, checked without the object store. The events that pass every record check (event
 * contract, key, topic, event id, CloudEvents headers) make up the run's {@link RunLog}, as the services would
 * accept them; the rest are reported and left out, as the services would refuse them. On top of that log it reports
 * copies of an event that conflict, gaps in the generations, breaks in the lineage and dead letters.
 *
 * <p>Not thread-safe; built once by {@link #analyze}.
 */
final class LogAnalysis {

    private static final List<EventType> GENERATION_EVENTS = List.of(EventType.CHECKPOINT_PUBLISHED,
            EventType.CORPUS_GENERATED, EventType.EVALUATION_COMPLETED);
    private static final ObjectMapper MAPPER = EventJson.newObjectMapper();

    private final String runId;
    private final RunLog log;
    private final List<Discrepancy> discrepancies = new ArrayList<>();
    private int records;
    private int identicalCopies;
    private int deadLetters;

    private LogAnalysis(String runId) {
        this.runId = runId;
        this.log = new RunLog(runId);
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
        ExperimentConfig config = configOf(parsed);
        for (Parsed p : parsed) {
            if (analysis.fulfilsContract(p, config)) {
                analysis.accept(p);
            }
        }
        analysis.findGaps();
        analysis.checkLineage();
        deadLetterRecords.forEach(analysis::readDeadLetter);
        return analysis;
    }

    /** The run as its accepted events tell it; of several copies of an event, the first in the log counts. */
    RunLog log() {
        return log;
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
        String label = RunLog.label(event);
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
    private static ExperimentConfig configOf(List<Parsed> parsed) {
        for (Parsed p : parsed) {
            if (p.clean() && p.event() instanceof RunRequested requested
                    && EventRecords.decode(p.record()) instanceof DecodedEvent.Valid) {
                return requested.config();
            }
        }
        return null;
    }

    /** Whether the event may join the lineage: no problem with its record so far, none against the contract. */
    private boolean fulfilsContract(Parsed p, ExperimentConfig config) {
        CollapseEvent event = p.event();
        List<String> problems = EventValidator.problems(event, config);
        if (!problems.isEmpty()) {
            add(Kind.INVALID_EVENT, event.generation(), p.location(), RunLog.label(event) + ": "
                    + String.join("; ", problems));
            return false;
        }
        if (!p.clean()) {
            return false;
        }
        // Everything the services check that the checks above do not: the CloudEvents headers against the body.
        if (EventRecords.decode(p.record()) instanceof DecodedEvent.Invalid invalid) {
            add(Kind.INVALID_EVENT, event.generation(), p.location(), RunLog.label(event) + ": "
                    + invalid.reason());
            return false;
        }
        return true;
    }

    private void accept(Parsed p) {
        RunLog.Addition addition = log.add(new RunLog.Entry(p.location(), p.event()));
        if (addition instanceof RunLog.Addition.IdenticalCopy) {
            identicalCopies++;
        } else if (addition instanceof RunLog.Addition.Conflict conflict) {
            add(Kind.CONFLICTING_DUPLICATE, p.event().generation(), p.location(), conflict.message());
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
        Optional<RunCompleted> completion = log.completion();
        if (log.request().isEmpty() && (!log.generations().isEmpty() || completion.isPresent())) {
            add(Kind.MISSING_EVENT, null, null, "no sound RunRequested of the run in " + Topics.RUNS + ": its"
                    + " config and inputs are unknown, so its events were checked without the config and its"
                    + " inputs not at all");
        }
        Map<Need, List<String>> needs = new LinkedHashMap<>();
        for (Generation g : log.generations()) {
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
        if (completion.isPresent()) {
            RunCompleted c = completion.get();
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
                .filter(need -> !log.generation(need.getKey().generation())
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

    /** The lineage rules of {@link RunLog#lineageBreaks}, each break reported at the event that names it. */
    private void checkLineage() {
        for (LineageBreak lineageBreak : log.lineageBreaks()) {
            CollapseEvent named = lineageBreak.event();
            add(Kind.LINEAGE_BREAK, named.generation(), log.locationOf(named), lineageBreak.message());
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
                + " refused the record at " + source + refused.map(e -> " (" + RunLog.label(e) + ")").orElse("")
                + ": " + deadLetter.reason());
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

    private void add(Kind kind, Integer generation, RecordLocation location, String message) {
        discrepancies.add(new Discrepancy(kind, generation, location, message));
    }
}
