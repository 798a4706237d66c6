package io.collapselab.service;

import io.collapselab.artifacts.ArtifactStoreException;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.EventValidator;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunRequested;
import io.collapselab.events.kafka.DecodedEvent;
import io.collapselab.events.kafka.EventRecords;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import io.smallrye.common.annotation.Blocking;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Every run this replica knows of, read from {@code collapse.runs}: which were requested with which config, which
 * were rejected and which have completed. Each replica reads the whole topic from the beginning on every start
 * (its own consumer group, no committed offsets; see the channel's configuration) and stays subscribed, so every
 * replica knows every run, whichever partitions its work consumers are assigned.
 *
 * <p>Work events can overtake the registry: a {@code CheckpointPublished} may be handled before this replica has
 * read the run's {@code RunRequested}. The intake therefore defers events of runs that are not {@linkplain #isKnown
 * known} yet, for a bounded time, without holding its channel. Invalid records are ignored here; the trainer,
 * which owns {@code RunRequested}, dead-letters them.
 *
 * <p>A {@code RunCompleted} ends a run only when a service recorded it ({@link RecordedLineage}) and, for a run
 * this replica knows, it fits the run's config: anyone who can write to {@code collapse.runs} could otherwise
 * cancel a live run, or take a run id before its submitter uses it. The trainer dead-letters what is ignored here.
 */
@ApplicationScoped
public class RunRegistry {

    public static final String CHANNEL = "run-registry";

    private static final Logger LOG = Logger.getLogger(RunRegistry.class);
    private static final Duration STORE_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_STORE_BACKOFF = Duration.ofSeconds(30);

    private final PipelineMetrics metrics;
    private final RecordedLineage lineage;
    // Guarded by this.
    private final Map<String, Run> requested = new HashMap<>();
    private final Map<String, String> rejected = new HashMap<>();
    private final Map<String, RunCompleted> completed = new HashMap<>();

    RunRegistry(PipelineMetrics metrics, RecordedLineage lineage) {
        this.metrics = metrics;
        this.lineage = lineage;
    }

    /** Blocking: checking a {@code RunCompleted} reads the object store, and waits for it while it is down. */
    @Incoming(CHANNEL)
    @Blocking
    public void onRunEvent(ConsumerRecord<String, DecodedEvent> record) throws InterruptedException {
        DecodedEvent decoded = EventRecords.checked(record);
        if (!(decoded instanceof DecodedEvent.Valid valid)) {
            metrics.consumed(CHANNEL, EventIntake.INVALID);
            return;
        }
        CollapseEvent event = valid.event();
        metrics.consumed(CHANNEL, event.type().typeName());
        if (event instanceof RunRequested request) {
            register(request);
        } else if (event instanceof RunCompleted completion && isRecorded(completion)) {
            complete(completion);
        }
    }

    private boolean isRecorded(RunCompleted completion) throws InterruptedException {
        RecordedLineage.Verdict verdict = checkWhileStoreIsDown(completion);
        if (!(verdict instanceof RecordedLineage.Verdict.Fits)) {
            LOG.warnf("Ignoring RunCompleted(%d, %s) of run %s: %s", completion.generation(),
                    completion.reason().wireName(), completion.runId(), verdict.reason());
            return false;
        }
        Optional<RunRequested> request = request(completion.runId());
        List<String> problems = request.map(r -> EventValidator.problems(completion, r.config())).orElse(List.of());
        if (!problems.isEmpty()) {
            LOG.warnf("Ignoring RunCompleted(%d) of run %s: %s", completion.generation(), completion.runId(),
                    String.join("; ", problems));
            return false;
        }
        return true;
    }

    private RecordedLineage.Verdict checkWhileStoreIsDown(RunCompleted completion) throws InterruptedException {
        Duration backoff = STORE_BACKOFF;
        while (true) {
            try {
                return lineage.check(completion);
            } catch (ArtifactStoreException e) {
                LOG.warnf("Cannot check RunCompleted of run %s against its record, retrying in %d s: %s",
                        completion.runId(), backoff.toSeconds(), e.getMessage());
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(MAX_STORE_BACKOFF) > 0
                        ? MAX_STORE_BACKOFF
                        : backoff.multipliedBy(2);
            }
        }
    }

    /**
     * The run {@code runId}; empty when the run has completed (it gets no more work).
     *
     * @throws UnknownRunException when the run was rejected, or no {@code RunRequested} of it has been read
     */
    public synchronized Optional<Run> activeRun(String runId) throws UnknownRunException {
        if (completed.containsKey(runId)) {
            return Optional.empty();
        }
        Run run = requested.get(runId);
        if (run != null) {
            return Optional.of(run);
        }
        String rejection = rejected.get(runId);
        throw new UnknownRunException(rejection != null
                ? rejection
                : "run " + runId + " is unknown: no RunRequested for it has been read from collapse.runs");
    }

    /** Whether this replica has read the run's {@code RunRequested} or {@code RunCompleted}. */
    public synchronized boolean isKnown(String runId) {
        return requested.containsKey(runId) || rejected.containsKey(runId) || completed.containsKey(runId);
    }

    /** The request this replica has read for {@code runId}, if any and if the run is still in progress. */
    public synchronized Optional<RunRequested> request(String runId) {
        return Optional.ofNullable(requested.get(runId)).map(Run::request);
    }

    public synchronized boolean isCompleted(String runId) {
        return completed.containsKey(runId);
    }

    private synchronized void register(RunRequested request) {
        String runId = request.runId();
        if (completed.containsKey(runId) || requested.containsKey(runId) || rejected.containsKey(runId)) {
            // The first request of a run id defines it; the trainer dead-letters any different one.
            return;
        }
        try {
            requested.put(runId, Run.of(request));
            LOG.debugf("Run %s registered", runId);
        } catch (IllegalArgumentException e) {
            rejected.put(runId, e.getMessage());
        }
    }

    private synchronized void complete(RunCompleted completion) {
        String runId = completion.runId();
        if (completed.putIfAbsent(runId, completion) == null) {
            // A completed run needs nothing but the fact that it completed.
            requested.remove(runId);
            rejected.remove(runId);
            metrics.runEnded(runId);
            LOG.debugf("Run %s completed: %s", runId, completion.reason().wireName());
        }
    }
}
