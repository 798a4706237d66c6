package io.collapselab.cli.runs;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.events.EventValidator;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.ProducerInfo;
import io.collapselab.events.RunInputs;
import io.collapselab.events.RunGroup;
import io.collapselab.events.RunRequested;
import io.collapselab.events.kafka.EventRecords;
import io.collapselab.events.kafka.Topics;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.lm.Sha256;
import io.collapselab.lm.pretrained.Gpt2Import;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;

/**
 * Submits runs to the pipeline: checks the run, uploads its real texts to {@code runs/<runId>/inputs/}, then
 * publishes {@code RunRequested} keyed by the run id. The order matters twice over: nothing is uploaded or
 * published for a run the services would refuse, and the event is published only once the objects it names are
 * stored, so no service ever sees a dangling input.
 *
 * <p>Thread-safe; close it to release its Kafka producer. The artifact store is the caller's to close.
 */
public final class RunSubmitter implements AutoCloseable {

    /** Input names under {@code runs/<runId>/inputs/}. */
    public static final String TRAIN_INPUT = "train.txt";
    public static final String HELDOUT_INPUT = "heldout.txt";

    /** The service name a submitter writes into its events' producer field. */
    public static final String SERVICE = "cli";

    // A person is waiting at a terminal: say within half a minute that the broker cannot be reached, rather than
    // after the client's defaults of one minute (blocking for metadata) plus two (delivery).
    private static final int MAX_BLOCK_MS = 30_000;
    private static final int DELIVERY_TIMEOUT_MS = 30_000;
    private static final int REQUEST_TIMEOUT_MS = 15_000;

    private final String bootstrapServers;
    private final ArtifactStore store;
    private final ProducerInfo producerInfo;
    /**
     * The base models' files by directory, digested once: every run of a sweep starts from the same model, and
     * hashing half a gigabyte of weights again per run would cost seconds each.
     */
    private final Map<Path, List<ModelFile>> modelFilesByDirectory = new HashMap<>();
    private final KafkaProducer<String, byte[]> producer;

    /** A submitter that signs its events as {@value #SERVICE} on this host. */
    public RunSubmitter(Map<String, Object> kafkaClient, ArtifactStore store) {
        this(kafkaClient, store, new ProducerInfo(SERVICE, localInstance(), version()));
    }

    /** @param kafkaClient where the brokers are and how to sign in ({@link KafkaClientConfig}) */
    public RunSubmitter(Map<String, Object> kafkaClient, ArtifactStore store, ProducerInfo producerInfo) {
        this.bootstrapServers = KafkaClientConfig.bootstrapServers(kafkaClient);
        this.store = Objects.requireNonNull(store, "store");
        this.producerInfo = Objects.requireNonNull(producerInfo, "producerInfo");
        this.producer = new KafkaProducer<>(KafkaClientConfig.with(kafkaClient, Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "collapse-submitter-" + producerInfo.instance(),
                // Retries after a lost acknowledgement must not write the request twice, and an acknowledged
                // request must survive the loss of the partition leader.
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS)),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** A published request: the event and where in the log it landed. */
    public record Submission(RunRequested event, String topic, int partition, long offset) {
    }

    /**
     * Submits run {@code runId} of experiment {@code config} on these real texts.
     *
     * @throws InvalidRunException when the run id, the config or the texts would be refused by the services
     *         (checked with the same {@link EventValidator}); nothing has been uploaded or published then
     * @throws io.collapselab.artifacts.ObjectConflictException when the run id was used before with other texts;
     *         nothing has been published then
     * @throws io.collapselab.artifacts.ArtifactStoreException when the texts could not be uploaded
     * @throws RunSubmissionException when Kafka did not take the request
     */
    public Submission submit(String runId, ExperimentConfig config, byte[] trainText, byte[] heldoutText) {
        return submit(runId, config, trainText, heldoutText, null);
    }

    /**
     * Submits a run as {@link #submit(String, ExperimentConfig, byte[], byte[])} does, and for a run that starts
     * from a pretrained model also uploads that model's two files, each under its own digest, unless the store
     * already holds them (another run started from the same model).
     *
     * @param baseModel the directory holding the model's {@code config.json} and {@code model.safetensors} when
     *                  {@code config.model.initFrom} is set, else {@code null}
     */
    public Submission submit(String runId, ExperimentConfig config, byte[] trainText, byte[] heldoutText,
                             Path baseModel) {
        return submit(runId, config, trainText, heldoutText, baseModel, null);
    }

    /**
     * Submits a run as {@link #submit(String, ExperimentConfig, byte[], byte[], Path)} does, as one run of the grid
     * {@code group} ({@code null} for a run on its own).
     */
    public Submission submit(String runId, ExperimentConfig config, byte[] trainText, byte[] heldoutText,
                             Path baseModel, RunGroup group) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(trainText, "trainText");
        Objects.requireNonNull(heldoutText, "heldoutText");
        if (!RunIds.isValid(runId)) {
            throw new InvalidRunException(runId, List.of(RunIds.problem(runId)));
        }
        ObjectKey trainKey = ObjectKey.input(runId, TRAIN_INPUT);
        ObjectKey heldoutKey = ObjectKey.input(runId, HELDOUT_INPUT);
        // The digests are known before the upload, so the complete event can be validated up front.
        List<ModelFile> modelFiles = baseModel == null ? List.of() : modelFiles(baseModel);
        RunInputs.BaseModel baseModelRef = modelFiles.isEmpty() ? null
                : new RunInputs.BaseModel(modelFiles.get(0).reference(store), modelFiles.get(1).reference(store));
        RunInputs inputs = new RunInputs(reference(trainKey, trainText), reference(heldoutKey, heldoutText),
                baseModelRef);
        RunRequested event = RunRequested.of(runId, Instant.now(), producerInfo, config, inputs, group);
        List<String> problems = EventValidator.problems(event);
        if (!problems.isEmpty()) {
            throw new InvalidRunException(runId, problems);
        }
        for (ModelFile file : modelFiles) {
            if (!store.exists(file.key())) {
                store.put(file.key(), file.path());
            }
        }
        store.put(trainKey, trainText);
        store.put(heldoutKey, heldoutText);
        return publish(event);
    }

    private List<ModelFile> modelFiles(Path directory) {
        return modelFilesByDirectory.computeIfAbsent(directory.toAbsolutePath().normalize(), dir -> List.of(
                ModelFile.of(dir, Gpt2Import.CONFIG_FILE), ModelFile.of(dir, Gpt2Import.WEIGHTS_FILE)));
    }

    /** A file of a pretrained model and the key its digest gives it. */
    private record ModelFile(Path path, String sha256, long size, ObjectKey key) {

        static ModelFile of(Path directory, String name) {
            Path path = directory.resolve(name);
            String sha256 = Sha256.hex(path);
            try {
                return new ModelFile(path, sha256, Files.size(path), ObjectKey.modelFile(sha256, name));
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + path + ": " + e.getMessage(), e);
            }
        }

        ObjectRef reference(ArtifactStore store) {
            return new ObjectRef(key.toUri(store.settings().bucket()), sha256, size);
        }
    }

    private Submission publish(RunRequested event) {
        ProducerRecord<String, byte[]> record = EventRecords.toRecord(event);
        try {
            RecordMetadata metadata = producer.send(record).get();
            return new Submission(event, metadata.topic(), metadata.partition(), metadata.offset());
        } catch (ExecutionException e) {
            throw failure(event, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(event, e);
        } catch (RuntimeException e) {
            // send() itself throws when it cannot get the topic's metadata within max.block.ms.
            throw failure(event, e);
        }
    }

    private RunSubmissionException failure(RunRequested event, Throwable cause) {
        return new RunSubmissionException("could not publish RunRequested of run '" + event.runId() + "' to "
                + Topics.topicFor(event) + " at " + bootstrapServers + ": " + cause + "; check that Kafka is"
                + " reachable there and the topic exists, then submit again (the inputs are stored, resubmitting is"
                + " safe)", cause);
    }

    private ObjectRef reference(ObjectKey key, byte[] content) {
        return new ObjectRef(key.toUri(store.settings().bucket()), Sha256.hex(content), content.length);
    }

    @Override
    public void close() {
        producer.close();
    }

    /** This host's name as an event's producer instance, with characters the contract does not allow replaced. */
    private static String localInstance() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        String cleaned = host.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (cleaned.length() > 253) {
            cleaned = cleaned.substring(0, 253);
        }
        return cleaned.isEmpty() ? "localhost" : cleaned;
    }

    private static String version() {
        String version = RunSubmitter.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
