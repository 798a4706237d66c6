package io.collapselab.cli;

import io.collapselab.artifacts.ArtifactStore;
import io.collapselab.artifacts.ObjectKey;
import io.collapselab.artifacts.S3Settings;
import io.collapselab.artifacts.StoredObject;
import io.collapselab.cli.runs.KafkaClientConfig;
import io.collapselab.cli.runs.RunSubmitter;
import io.collapselab.events.CheckpointPublished;
import io.collapselab.events.CollapseEvent;
import io.collapselab.events.CorpusGenerated;
import io.collapselab.events.EvaluationCompleted;
import io.collapselab.events.ObjectRef;
import io.collapselab.events.ProducerInfo;
import io.collapselab.events.RunCompleted;
import io.collapselab.events.RunRequested;
import io.collapselab.events.json.EventJson;
import io.collapselab.events.kafka.EventRecords;
import io.collapselab.events.kafka.KafkaRole;
import io.collapselab.experiment.EvaluationSettings;
import io.collapselab.experiment.ExperimentConfig;
import io.collapselab.experiment.Presets;
import io.collapselab.experiment.SamplingSettings;
import io.collapselab.lm.Sha256;
import io.collapselab.lm.loop.AnchorInputs;
import io.collapselab.lm.loop.GenerationSteps;
import io.collapselab.lm.loop.Progress;
import io.collapselab.lm.loop.TrainingMix;
import io.collapselab.lm.metrics.RealTextProfile;
import io.collapselab.lm.metrics.TextMetrics;
import io.collapselab.lm.model.Checkpoint;
import io.collapselab.lm.random.Rng;
import io.collapselab.lm.random.SeedRole;
import io.collapselab.lm.sample.CorpusTokens;
import io.collapselab.localstack.LocalStack;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Clean runs published to a local stack the way the services publish them, without the services: the run is
 * submitted with {@link RunSubmitter}, each generation is computed in this process with {@link GenerationSteps}
 * and {@link TrainingMix} (as the trainer, generator and evaluator compute it), its checkpoint and corpus are
 * uploaded, and only then is its event published.
 *
 * <p>The generations are computed once: with the same config and texts every run computes the same bytes, so
 * runs published under different ids differ only in their keys and events, and tests can each damage their own.
 */
final class RunFixture {

    /** The smoke preset cut down to two generations (0 and 1) that train and sample in seconds. */
    static final ExperimentConfig CONFIG = tiny(Presets.get("smoke"));

    private static final ProducerInfo TRAINER = new ProducerInfo("trainer-service", "trainer-0", "test");
    private static final ProducerInfo GENERATOR = new ProducerInfo("generator-service", "generator-0", "test");
    private static final ProducerInfo EVALUATOR = new ProducerInfo("evaluator-service", "evaluator-0", "test");

    /** What one generation computed, and the digest of the text it was trained on. */
    private record Generation(GenerationSteps.TrainedCheckpoint checkpoint, String trainedOnSha256,
                              GenerationSteps.SampledCorpus corpus, GenerationSteps.CheckpointEvaluation heldout,
                              GenerationSteps.CorpusEvaluation text, boolean collapsed) {
    }

    private final ExperimentConfig config;
    private final byte[] train;
    private final byte[] heldout;
    private final List<Generation> generations;

    private RunFixture(ExperimentConfig config, byte[] train, byte[] heldout, List<Generation> generations) {
        this.config = config;
        this.train = train;
        this.heldout = heldout;
        this.generations = generations;
    }

    /** Computes every generation of {@link #CONFIG} on these real texts. */
    static RunFixture compute(byte[] train, byte[] heldout) {
        return compute(CONFIG, train, heldout);
    }

    /** Computes every generation of {@code config} on these real texts, as the services would. */
    static RunFixture compute(ExperimentConfig config, byte[] train, byte[] heldout) {
        RealTextProfile profile = RealTextProfile.of(train, config.evaluation().tailQuantile());
        List<Generation> generations = new ArrayList<>();
        List<byte[]> corpora = new ArrayList<>();
        GenerationSteps.TrainedCheckpoint current = GenerationSteps.pretrain(config, train, Progress.NONE);
        int corpusTokens = GenerationSteps.corpusTokens(config, Checkpoint.readTokenizer(current.checkpoint()),
                () -> train);
        String trainedOn = Sha256.hex(train);
        for (int g = 0; ; g++) {
            GenerationSteps.CheckpointEvaluation heldoutLoss =
                    GenerationSteps.evaluate(config, current.checkpoint(), heldout, g, Progress.NONE);
            byte[] generation0 = g == 0 ? current.checkpoint() : generations.get(0).checkpoint().checkpoint();
            GenerationSteps.SampledCorpus corpus = GenerationSteps.sample(config, current.checkpoint(), generation0,
                    corpusTokens, g, Progress.NONE);
            GenerationSteps.CorpusEvaluation text = GenerationSteps.evaluateCorpus(config, corpus.corpus(),
                    corpus.tokens(), profile);
            generations.add(new Generation(current, trainedOn, corpus, heldoutLoss, text,
                    config.collapse().isCollapsed(text.metrics().distinct2(), text.cycleLength())));
            if (g == config.generations()) {
                return new RunFixture(config, train, heldout, generations);
            }
            corpora.add(corpus.corpus());
            byte[] mix = TrainingMix.forGeneration(config, train,
                    TrainingMix.corpusGenerations(config.mixing(), g + 1).stream().map(corpora::get).toList(), g + 1);
            trainedOn = Sha256.hex(mix);
            current = GenerationSteps.trainNext(config, current.checkpoint(), current.trainingState(), mix, g + 1,
                    new AnchorInputs(generations.get(0).checkpoint().checkpoint(), train), Progress.NONE);
        }
    }

    int lastGeneration() {
        return generations.size() - 1;
    }

    String checkpointSha256(int generation) {
        return generations.get(generation).checkpoint().sha256();
    }

    String corpusSha256(int generation) {
        return generations.get(generation).corpus().sha256();
    }

    /**
     * Publishes a whole clean run under {@code runId}: request, every generation, {@code RunCompleted}.
     *
     * @return the events published, in order
     */
    List<CollapseEvent> publish(LocalStack stack, String runId) throws Exception {
        return publishClaiming(stack, runId, config);
    }

    /**
     * Publishes the generations computed for this fixture's config under a request for {@code claimed}: a run whose
     * log chains and whose objects match their events, but whose recorded config did not produce them.
     */
    List<CollapseEvent> publishClaiming(LocalStack stack, String runId, ExperimentConfig claimed) throws Exception {
        List<CollapseEvent> events = new ArrayList<>();
        try (ArtifactStore store = store(stack);
             RunSubmitter submitter = new RunSubmitter(stack.kafkaClientConfig(KafkaRole.SUBMITTER.user()), store);
             KafkaProducer<String, byte[]> producer = producer(stack)) {
            RunRequested request = submitter.submit(runId, claimed, train, heldout).event();
            events.add(request);
            ExperimentConfig config = request.config();
            for (int g = 0; g <= lastGeneration(); g++) {
                Generation generation = generations.get(g);
                GenerationSteps.TrainedCheckpoint trained = generation.checkpoint();
                ObjectRef state = ref(store.put(ObjectKey.trainingState(runId, g), trained.trainingState()));
                ObjectRef checkpoint = ref(store.put(ObjectKey.checkpoint(runId, g), trained.checkpoint()));
                sendSaved(producer, events, store, ObjectKey.CHECKPOINT_EVENT, CheckpointPublished.of(runId, g,
                        Instant.now(), TRAINER, checkpoint, state, g == 0 ? null : checkpointSha256(g - 1),
                        generation.trainedOnSha256(), trained.steps(), trained.tokensSeen(), trained.trainLoss(),
                        trained.computeMs()));
                GenerationSteps.SampledCorpus sampled = generation.corpus();
                ObjectRef corpus = ref(store.put(ObjectKey.corpus(runId, g), sampled.corpus()));
                ObjectRef tokens = ref(store.put(ObjectKey.corpusTokens(runId, g),
                        CorpusTokens.toBytes(sampled.tokens())));
                sendSaved(producer, events, store, ObjectKey.CORPUS_EVENT, CorpusGenerated.of(runId, g,
                        Instant.now(), GENERATOR, corpus, tokens, sampled.tokenCount(), checkpoint.sha256(),
                        config.sampling(), Rng.derive(config.seed(), g, SeedRole.SAMPLING),
                        config.sampling().curation() == null ? null : sampled.curation()));
                TextMetrics metrics = generation.text().metrics();
                GenerationSteps.CheckpointEvaluation h = generation.heldout();
                sendSaved(producer, events, store, ObjectKey.EVALUATION_EVENT, EvaluationCompleted.of(runId, g,
                        Instant.now(), EVALUATOR, new EvaluationCompleted.Metrics(h.heldoutLoss(),
                                h.heldoutPerplexity(), h.heldoutMethod(), h.heldout().tokens(),
                                h.heldoutBitsPerByte(), h.heldoutWordPerplexity(),
                                h.wholeTextLoss(), h.wholeTextPerplexity(), h.wholeTextBitsPerByte(),
                                h.wholeTextWordPerplexity(), h.wholeTextTokens(), metrics.distinct1(),
                                metrics.distinct2(), metrics.distinct3(), metrics.repetition(), metrics.entropy(),
                                metrics.tailMass(), metrics.unseenWordShare(), generation.text().cycleLength()),
                        generation.text().excerpt(), generation.collapsed(), checkpoint.sha256(), corpus.sha256()));
            }
            sendSaved(producer, events, store, ObjectKey.RUN_COMPLETED_EVENT, RunCompleted.of(runId, lastGeneration(),
                    Instant.now(), EVALUATOR, RunCompleted.Reason.MAX_GENERATIONS, "", lastGeneration()));
        }
        return events;
    }

    /** Appends {@code event} to its topic as any producer could, and says where it landed. */
    static RecordMetadata append(LocalStack stack, CollapseEvent event) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer(stack)) {
            return send(producer, event);
        }
    }

    /** The file in which the local stack's S3 server keeps an object. */
    static Path file(LocalStack stack, ObjectKey key) {
        return stack.s3DataDir().resolve(stack.bucket()).resolve(key.key());
    }

    static ArtifactStore store(LocalStack stack) {
        return new ArtifactStore(new S3Settings(stack.s3Endpoint(), stack.s3AccessKey(), stack.s3SecretKey(),
                stack.bucket(), stack.s3Region()));
    }

    /** Saves {@code event} beside the generation's objects, as the services do, then publishes it. */
    private static void sendSaved(KafkaProducer<String, byte[]> producer, List<CollapseEvent> published,
                                  ArtifactStore store, String savedAs, CollapseEvent event) throws Exception {
        store.put(ObjectKey.generationFile(event.runId(), event.generation(), savedAs), EventJson.toBytes(event));
        send(producer, event);
        published.add(event);
    }

    private static RecordMetadata send(KafkaProducer<String, byte[]> producer, CollapseEvent event)
            throws Exception {
        return producer.send(EventRecords.toRecord(event)).get(30, TimeUnit.SECONDS);
    }

    private static KafkaProducer<String, byte[]> producer(LocalStack stack) {
        // The admin stands in for the three services, whose events this fixture publishes in their place.
        return new KafkaProducer<>(KafkaClientConfig.with(stack.kafkaClientConfig(LocalStack.ADMIN_USER), Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all")),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static ObjectRef ref(StoredObject stored) {
        return new ObjectRef(stored.uri(), stored.sha256(), stored.size());
    }

    private static ExperimentConfig tiny(ExperimentConfig smoke) {
        SamplingSettings s = smoke.sampling();
        EvaluationSettings e = smoke.evaluation();
        return new ExperimentConfig("audit-tiny", smoke.model(), smoke.pretraining().withSteps(20),
                smoke.selfTraining().withSteps(5), 1,
                new SamplingSettings(256, 4, s.temperature(), s.topK(), s.topP(), s.prompt(), s.kvCache(), s.window()),
                smoke.mixing(), new EvaluationSettings(2_048, e.batchSize(), e.tailQuantile(), e.excerptChars(),
                        e.heldout(), e.heldoutWindows(), e.wholeTextEvery()),
                smoke.collapse(), smoke.seed()).validated();
    }
}
