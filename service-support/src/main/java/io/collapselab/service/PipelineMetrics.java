package io.collapselab.service;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The service metrics, exported at {@code /q/metrics} (Prometheus names in brackets):
 * <ul>
 *   <li>{@code collapse.events.consumed} [{@code collapse_events_consumed_total}], by channel and event type
 *       ({@code invalid} for records that are not valid events);</li>
 *   <li>{@code collapse.events.deduplicated} [{@code collapse_events_deduplicated_total}], by channel: records
 *       dropped because this process had already handled their event id;</li>
 *   <li>{@code collapse.events.dead.lettered} [{@code collapse_events_dead_lettered_total}], by channel;</li>
 *   <li>{@code collapse.work.retried} [{@code collapse_work_retried_total}], by what could not be reached
 *       ({@code s3}, {@code kafka}): attempts at handling an event that failed for a transient reason and are
 *       tried again after a back-off; it keeps rising through an outage, a full disk of the object store or a
 *       broker that refuses writes;</li>
 *   <li>{@code collapse.events.republished} [{@code collapse_events_republished_total}], by event type: events
 *       published again from the object outbox instead of being recomputed;</li>
 *   <li>{@code collapse.generation.duration} [{@code collapse_generation_duration_seconds}], by handled event
 *       type: wall time of handling one event of a run, from taking the record off the queue until its output is
 *       acknowledged by the broker;</li>
 *   <li>{@code collapse.pipeline.overhead} [{@code collapse_pipeline_overhead_seconds}], by handled event type:
 *       that wall time minus the compute time {@code GenerationSteps} reports for the calls made while handling
 *       the event: waiting for the run's registration, S3 downloads and uploads with their digest checks, building
 *       the training mix, loading a checkpoint into the engine and serialising the trained model, writing the
 *       outbox objects and publishing to Kafka;</li>
 *   <li>{@code collapse.event.delivery.lag} [{@code collapse_event_delivery_lag_seconds}], by channel: from the
 *       event's {@code occurredAt} to the moment a handler starts on it, i.e. time in Kafka plus time queued
 *       behind earlier work on this replica;</li>
 *   <li>{@code collapse.tokens.per.second} [{@code collapse_tokens_per_second}], by phase ({@code train},
 *       {@code sample}, {@code evaluate}): throughput of each computation, tokens over its compute time;</li>
 *   <li>{@code collapse.run.generation} [{@code collapse_run_generation}], by run: the newest generation this
 *       service has handled for each run still in progress;</li>
 *   <li>{@code collapse.evaluator.lag} [{@code collapse_evaluator_lag_generations}], by run, evaluator only: the
 *       newest generation whose checkpoint the evaluator has taken minus the newest it has published an evaluation
 *       for. 1 while a generation's corpus is being sampled; a value that keeps growing is an evaluator falling
 *       behind the trainer;</li>
 *   <li>{@code collapse.evaluation.delay} [{@code collapse_evaluation_delay_seconds}], evaluator only: from a
 *       checkpoint's {@code occurredAt} to the publication of its generation's evaluation.</li>
 * </ul>
 */
@ApplicationScoped
public class PipelineMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> runGenerations = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> evaluatorLags = new ConcurrentHashMap<>();

    PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void consumed(String channel, String eventType) {
        registry.counter("collapse.events.consumed", "channel", channel, "type", eventType).increment();
    }

    public void deduplicated(String channel) {
        registry.counter("collapse.events.deduplicated", "channel", channel).increment();
    }

    public void deferred(String channel) {
        registry.counter("collapse.events.deferred", "channel", channel).increment();
    }

    public void deadLetterKeptLocally(String channel) {
        registry.counter("collapse.dead.letters.kept.locally", "channel", channel).increment();
    }

    /** Exports how many dead letters wait on this replica's disk for the broker to take them. */
    public void pendingDeadLetters(IntSupplier pending) {
        Gauge.builder("collapse.dead.letters.pending.locally", pending::getAsInt)
                .description("Dead letters kept on disk until the broker takes them")
                .register(registry);
    }

    public void deadLettered(String channel) {
        registry.counter("collapse.events.dead.lettered", "channel", channel).increment();
    }

    public void workRetried(String unreachable) {
        registry.counter("collapse.work.retried", "unreachable", unreachable).increment();
    }

    public void republished(String eventType) {
        registry.counter("collapse.events.republished", "type", eventType).increment();
    }

    public void deliveryLag(String channel, Duration lag) {
        Timer.builder("collapse.event.delivery.lag")
                .description("From an event's occurredAt until a handler starts on it")
                .tag("channel", channel)
                .register(registry)
                .record(lag.isNegative() ? Duration.ZERO : lag);
    }

    /** Records one handled event: its wall time and the part of it that was not compute. */
    public void handled(String eventType, Duration wall, Duration compute) {
        Timer.builder("collapse.generation.duration")
                .description("Wall time of handling one event of a run, until its output is acknowledged")
                .tag("event", eventType)
                .register(registry)
                .record(wall);
        Duration overhead = wall.minus(compute);
        Timer.builder("collapse.pipeline.overhead")
                .description("Handling wall time minus the compute time GenerationSteps reports")
                .tag("event", eventType)
                .register(registry)
                .record(overhead.isNegative() ? Duration.ZERO : overhead);
    }

    /** Records the throughput of one computation; nothing when it took no measurable time. */
    public void throughput(String phase, long tokens, long computeMs) {
        if (computeMs > 0) {
            DistributionSummary.builder("collapse.tokens.per.second")
                    .description("Tokens processed per second of compute")
                    .tag("phase", phase)
                    .register(registry)
                    .record(tokens * 1000.0 / computeMs);
        }
    }

    /** Sets the newest generation handled for a run; the gauge appears with the run's first handled event. */
    public void generationReached(String runId, int generation) {
        runGenerations.computeIfAbsent(runId, id -> {
            AtomicInteger value = new AtomicInteger(generation);
            Gauge.builder("collapse.run.generation", value, AtomicInteger::get)
                    .description("Newest generation this service has handled for a run in progress")
                    .tag("run", id)
                    .register(registry);
            return value;
        }).accumulateAndGet(generation, Math::max);
    }

    /** Sets how many generations the evaluator's published evaluations trail the checkpoints it has taken. */
    public void evaluatorLag(String runId, int generations) {
        evaluatorLags.computeIfAbsent(runId, id -> {
            AtomicInteger value = new AtomicInteger(generations);
            Gauge.builder("collapse.evaluator.lag", value, AtomicInteger::get)
                    .description("Newest checkpoint generation taken minus newest generation evaluated")
                    .baseUnit("generations")
                    .tag("run", id)
                    .register(registry);
            return value;
        }).set(generations);
    }

    /** Records the time from a checkpoint's publication to the publication of its generation's evaluation. */
    public void evaluationDelay(Duration delay) {
        Timer.builder("collapse.evaluation.delay")
                .description("From a checkpoint's occurredAt to its generation's evaluation")
                .register(registry)
                .record(delay.isNegative() ? Duration.ZERO : delay);
    }

    /** Drops a finished run's gauges, so that only runs in progress are exported. */
    public void runEnded(String runId) {
        if (runGenerations.remove(runId) != null) {
            registry.find("collapse.run.generation").tag("run", runId).meters().forEach(registry::remove);
        }
        if (evaluatorLags.remove(runId) != null) {
            registry.find("collapse.evaluator.lag").tag("run", runId).meters().forEach(registry::remove);
        }
    }
}
