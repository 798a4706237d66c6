package io.collapselab.service;

import io.collapselab.events.DeadLetter;
import io.collapselab.events.EventIds;
import io.collapselab.events.json.EventJson;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Dead letters the broker would not take, kept as files in {@code collapse.dead-letter-dir} (one directory per
 * service) and published again every {@code collapse.retry.max-backoff} until it takes them, also after a restart.
 * So a refused record never vanishes: it is on the dead-letter topic, or on this replica's disk on its way there.
 * {@code collapse_dead_letters_kept_locally_total} counts what was kept, {@code collapse_dead_letters_pending_locally}
 * what still waits.
 */
@ApplicationScoped
public class KeptDeadLetters {

    private static final Logger LOG = Logger.getLogger(KeptDeadLetters.class);
    private static final String SUFFIX = ".json";

    private final EventPublisher publisher;
    private final PipelineMetrics metrics;
    private final Path directory;
    private final long retryMillis;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "kept-dead-letters");
        thread.setDaemon(true);
        return thread;
    });

    KeptDeadLetters(EventPublisher publisher, PipelineMetrics metrics, CollapseConfig config,
                    ServiceIdentity identity) {
        this.publisher = publisher;
        this.metrics = metrics;
        this.directory = Path.of(config.deadLetterDir()).resolve(identity.producer().service());
        this.retryMillis = config.retry().maxBackoff().toMillis();
        metrics.pendingDeadLetters(this::pending);
    }

    void publishKeptOnStart(@Observes StartupEvent started) {
        retries.scheduleWithFixedDelay(this::publishKept, 0, retryMillis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stopRetrying() {
        retries.shutdownNow();
    }

    /**
     * Writes the dead letter to disk, to be published later.
     *
     * @throws UncheckedIOException when even that fails: the caller must not acknowledge the record then
     */
    public void keep(String channel, DeadLetter deadLetter) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve(EventIds.deadLetterId(deadLetter) + SUFFIX);
            Path partial = Files.createTempFile(directory, "partial-", ".tmp");
            Files.write(partial, EventJson.toBytes(deadLetter));
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            metrics.deadLetterKeptLocally(channel);
            LOG.warnf("Kept the dead letter of %s-%d@%d in %s, to publish it when the broker takes it",
                    deadLetter.sourceTopic(), deadLetter.sourcePartition(), deadLetter.sourceOffset(), file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the dead letter of " + deadLetter.sourceTopic() + "-"
                    + deadLetter.sourcePartition() + "@" + deadLetter.sourceOffset() + " in " + directory, e);
        }
    }

    /** Publishes every kept dead letter; each one the broker takes is deleted, the others stay for the next try. */
    void publishKept() {
        for (Path file : keptFiles()) {
            try {
                publisher.publish(EventJson.readDeadLetter(Files.readAllBytes(file)));
                Files.delete(file);
                LOG.infof("Published the kept dead letter %s", file.getFileName());
            } catch (IOException | RuntimeException e) {
                LOG.warnf("The kept dead letter %s is not published yet: %s", file.getFileName(), e.getMessage());
            }
        }
    }

    private int pending() {
        return keptFiles().size();
    }

    private List<Path> keptFiles() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        } catch (IOException e) {
            LOG.warnf("Cannot list the kept dead letters in %s: %s", directory, e.getMessage());
            return List.of();
        }
    }
}
