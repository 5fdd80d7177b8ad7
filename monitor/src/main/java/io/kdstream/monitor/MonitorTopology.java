package io.kdstream.monitor;

import java.time.Duration;

import io.kdstream.core.drift.InputFeatures;
import io.kdstream.core.kafka.DeadLetters;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.task.TaskContract;
import io.kdstream.monitor.classes.ClassPair;
import io.kdstream.monitor.classes.PerClassProcessor;
import io.kdstream.monitor.drift.DriftProcessor;
import io.kdstream.monitor.drift.DriftSample;
import io.kdstream.monitor.drift.InputDriftProcessor;
import io.kdstream.monitor.freshness.FreshnessEvent;
import io.kdstream.monitor.freshness.FreshnessProcessor;
import io.kdstream.monitor.freshness.ServedVersions;
import io.kdstream.monitor.quality.JoinedPrediction;
import io.kdstream.monitor.quality.MatchProcessor;
import io.kdstream.monitor.quality.Quality;
import io.kdstream.monitor.quality.QualityProcessor;
import io.kdstream.monitor.quality.ScoreCandidate;
import io.kdstream.monitor.quality.ScoringProcessor;
import io.kdstream.monitor.quality.SeenRequests;
import io.kdstream.monitor.records.Decoded;
import io.kdstream.monitor.records.DecodingProcessor;
import io.kdstream.monitor.records.InputReaders;
import io.kdstream.monitor.records.LabelledInput;
import io.kdstream.monitor.records.RecordReader;
import io.kdstream.monitor.records.TeacherView;
import io.kdstream.monitor.state.CompactSerde;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.GroundTruth;
import io.kdstream.schemas.Prediction;
import io.kdstream.schemas.serde.Codecs;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.StreamJoined;

/**
 * The monitor's Kafka Streams topology, built by a static function so tests run it under TopologyTestDriver.
 *
 * <pre>
 * kd-predictions ─┬─ leftJoin kd-soft-labels (request id, join window + grace) ─▶ match ─┐
 *                 ├─ join kd-ground-truth (request id) ─┐                               ├─▶ [quality] ─▶ agreement, KL, accuracy per version
 *                 │      soft labels' true labels ──────┴─▶ score once per request ─────┘
 *                 ├─ top class ─┐
 * kd-soft-labels ─┴─ top class ─┴─▶ [drift] ─▶ PSI, JS vs reference, teacher entropy
 * kd-soft-labels ─ input features ─▶ [input-drift] ─▶ PSI per feature vs reference (most drifted, and the largest)
 * kd-predictions ⋈ kd-soft-labels ─▶ (teacher class, student class) ─▶ [classes] ─▶ per-class agreement, frequencies
 * kd-predictions (new version) ─┐
 * kd-checkpoints (manifests) ───┴─▶ [freshness] ─▶ kd.monitor.freshness
 * every input: undecodable or invalid ─▶ kd-dead-letters
 * </pre>
 * ([name] is a repartition topic.)
 */
public final class MonitorTopology {

    private MonitorTopology() {
    }

    public static Topology build(MonitorConfig config, MonitorMetrics metrics) {
        StreamsBuilder builder = new StreamsBuilder();
        Topics topics = config.topics();
        DeadLetters deadLetters = metrics.deadLetters(topics.deadLetters());
        TaskContract task = config.task();
        int classes = task.classCount();

        // Every input is read as bytes and decoded here rather than by a deserializer: a bad record becomes a dead
        // letter with its topic, partition and offset, and the monitor carries on.
        KStream<byte[], Prediction> predictions = read(builder, topics.predictions(), "predictions",
                InputReaders.predictions(classes), deadLetters, topics.deadLetters());
        InputFeatures features = config.inputFeatures();
        KStream<byte[], LabelledInput> labelled = read(builder, topics.softLabels(), "soft-labels",
                InputReaders.softLabels(task, features), deadLetters, topics.deadLetters());
        KStream<byte[], TeacherView> labels = labelled.mapValues(LabelledInput::view, Named.as("soft-labels-view"));
        KStream<byte[], GroundTruth> truths = read(builder, topics.groundTruth(), "ground-truth",
                InputReaders.groundTruth(classes), deadLetters, topics.deadLetters());
        KStream<byte[], Checkpoint> manifests = read(builder, topics.checkpoints(), "checkpoints",
                InputReaders.manifests(), deadLetters, topics.deadLetters());

        quality(builder, config, metrics, predictions, labels, truths);
        perClass(builder, config, metrics, predictions, labels);
        drift(builder, config, metrics, predictions, labels);
        inputDrift(builder, config, metrics, features, labelled);
        freshness(builder, metrics, predictions, manifests);
        return builder.build();
    }

    private static void quality(StreamsBuilder builder, MonitorConfig config, MonitorMetrics metrics,
                                KStream<byte[], Prediction> predictions, KStream<byte[], TeacherView> labels,
                                KStream<byte[], GroundTruth> truths) {
        // No repartition before the joins: predictions, soft labels and ground truth are all keyed by request id on
        // topics with the same partition count, so each task joins the same partition number of each (Kafka Streams
        // checks this co-partitioning at start). The keys are never changed on the way (processValues, mapValues).
        //
        // A left join, so that a prediction that never finds its label still comes out, with a null label, once the
        // window and its grace have passed, and is counted as no_label. The grace lets a label that arrives out of
        // order (teacher lag, a rebalance) still match; the price is that no_label is counted that much later.
        KStream<byte[], JoinedPrediction> joined = predictions.leftJoin(labels, JoinedPrediction::new,
                JoinWindows.ofTimeDifferenceAndGrace(config.joinWindow(), config.joinGrace()),
                StreamJoined.with(Serdes.ByteArray(), Codecs.PREDICTION, TeacherView.SERDE)
                        .withName("label-join").withStoreName("label-join"));
        Duration labelSpan = config.joinWindow().plus(config.joinGrace());
        builder.addStateStore(SeenRequests.storeBuilder(MatchProcessor.STORE, labelSpan.multipliedBy(2)));
        KStream<Long, Quality> matches = joined.process(() -> new MatchProcessor(metrics, labelSpan.multipliedBy(2)),
                Named.as("match"), MatchProcessor.STORE);

        // True labels come from the soft label (replayed traffic carries them) or later from kd-ground-truth; the
        // scoring step counts each request once, whichever arrives first.
        KStream<byte[], ScoreCandidate> fromLabels = joined
                .filter((id, pair) -> pair.label() != null && pair.label().hasTrueLabel(), Named.as("labelled-truth"))
                .mapValues(pair -> new ScoreCandidate(pair.prediction().getModelVersion(),
                        pair.prediction().getTopClass(), pair.label().trueLabel()), Named.as("labelled-truth-candidates"));
        KStream<byte[], ScoreCandidate> fromTruths = predictions.join(truths,
                (prediction, truth) -> new ScoreCandidate(prediction.getModelVersion(), prediction.getTopClass(), truth.getLabel()),
                JoinWindows.ofTimeDifferenceAndGrace(config.groundTruthWindow(), config.joinGrace()),
                StreamJoined.with(Serdes.ByteArray(), Codecs.PREDICTION, Codecs.GROUND_TRUTH)
                        .withName("truth-join").withStoreName("truth-join"));
        Duration truthSpan = config.groundTruthWindow().plus(labelSpan);
        builder.addStateStore(SeenRequests.storeBuilder(ScoringProcessor.STORE, truthSpan));
        KStream<Long, Quality> scores = fromLabels.merge(fromTruths, Named.as("truth-candidates"))
                .process(() -> new ScoringProcessor(truthSpan), Named.as("score"), ScoringProcessor.STORE);

        // Repartition by model version: one version's matches come from every input partition, and its window
        // figures must be summed in one task. The topic carries five numbers per match, not the predictions.
        // The rolling sums are cached: the gauges are set by the processor on every record, so the cache delays
        // nothing visible, while consecutive updates of one step collapse into one changelog write per commit.
        // The duplicate stores above are not cached: each request id is written once, so there is nothing to collapse.
        builder.addStateStore(QualityProcessor.storeBuilder(config.qualityWindow(), MonitorConfig.STEPS_PER_WINDOW));
        matches.merge(scores, Named.as("quality-samples"))
                .repartition(Repartitioned.with(Serdes.Long(), Quality.SERDE).withName("quality"))
                .process(() -> new QualityProcessor(metrics, config.qualityWindow(), MonitorConfig.STEPS_PER_WINDOW),
                        Named.as("quality-window"), QualityProcessor.STORE);
    }

    private static void perClass(StreamsBuilder builder, MonitorConfig config, MonitorMetrics metrics,
                                 KStream<byte[], Prediction> predictions, KStream<byte[], TeacherView> labels) {
        // Its own join, so the quality path stays as it is; per-class counts are global to the model, so they meet
        // in one task like the drift histograms, reduced to two class indices per request first.
        KStream<String, ClassPair> pairs = predictions.join(labels,
                (prediction, label) -> new ClassPair(label.teacherClass(), prediction.getTopClass()),
                JoinWindows.ofTimeDifferenceAndGrace(config.joinWindow(), config.joinGrace()),
                StreamJoined.with(Serdes.ByteArray(), Codecs.PREDICTION, TeacherView.SERDE)
                        .withName("class-join").withStoreName("class-join"))
                .map((id, pair) -> KeyValue.pair(PerClassProcessor.SERIES, pair), Named.as("class-pairs"));
        builder.addStateStore(PerClassProcessor.storeBuilder(config.qualityWindow(), MonitorConfig.STEPS_PER_WINDOW));
        pairs.repartition(Repartitioned.with(Serdes.String(), ClassPair.SERDE).withName("classes").withNumberOfPartitions(1))
                .process(() -> new PerClassProcessor(metrics, config.classNames(), config.qualityWindow(),
                        MonitorConfig.STEPS_PER_WINDOW), Named.as("class-window"), PerClassProcessor.STORE);
    }

    private static void drift(StreamsBuilder builder, MonitorConfig config, MonitorMetrics metrics,
                              KStream<byte[], Prediction> predictions, KStream<byte[], TeacherView> labels) {
        // A class distribution is global: every record of it must reach the one task that holds its histograms.
        // One partition is enough, since each record is reduced to a class index and an entropy first; soft labels
        // are counted whether or not a prediction matched them (the teacher sees shadowed traffic only).
        KStream<String, DriftSample> teacher = labels.map((id, label) -> KeyValue.pair(MonitorMetrics.TEACHER,
                new DriftSample(label.teacherClass(), label.entropy())), Named.as("teacher-classes"));
        KStream<String, DriftSample> student = predictions.map((id, prediction) -> KeyValue.pair(MonitorMetrics.STUDENT,
                new DriftSample(prediction.getTopClass(), 0)), Named.as("student-classes"));
        builder.addStateStore(DriftProcessor.sumsStoreBuilder(config.driftWindows()));
        builder.addStateStore(DriftProcessor.referenceStoreBuilder());
        teacher.merge(student, Named.as("class-samples"))
                .repartition(Repartitioned.with(Serdes.String(), DriftSample.SERDE).withName("drift").withNumberOfPartitions(1))
                .process(() -> new DriftProcessor(metrics, config.classCount(), config.driftWindows()),
                        Named.as("drift-window"), DriftProcessor.SUMS_STORE, DriftProcessor.REFERENCE_STORE);
    }

    private static void inputDrift(StreamsBuilder builder, MonitorConfig config, MonitorMetrics metrics,
                                   InputFeatures features, KStream<byte[], LabelledInput> labelled) {
        // The inputs come from the soft labels: the teacher labels every shadowed and replayed request, and the label
        // carries its input. Like the class mix, the input distribution is global, so one partition; each record is
        // reduced to its few features first, so the repartition topic carries tens of numbers, not the image.
        builder.addStateStore(InputDriftProcessor.sumsStoreBuilder(config.driftWindows()));
        builder.addStateStore(InputDriftProcessor.referenceStoreBuilder());
        labelled.map((id, label) -> KeyValue.pair(InputDriftProcessor.SERIES, label.inputFeatures()), Named.as("input-features"))
                .repartition(Repartitioned.with(Serdes.String(), CompactSerde.doubles()).withName("input-drift").withNumberOfPartitions(1))
                .process(() -> new InputDriftProcessor(metrics, features.names(), config.driftInputBins(),
                                config.driftInputTopFeatures(), config.driftWindows()),
                        Named.as("input-drift-window"), InputDriftProcessor.SUMS_STORE, InputDriftProcessor.REFERENCE_STORE);
    }

    private static void freshness(StreamsBuilder builder, MonitorMetrics metrics,
                                  KStream<byte[], Prediction> predictions, KStream<byte[], Checkpoint> manifests) {
        // Repartition by model name: the first prediction with a new version can be on any partition of
        // kd-predictions, its manifest is on the single partition of kd-checkpoints; keyed by model, both meet in
        // one task. Only version changes cross the topic, not every prediction.
        KStream<String, FreshnessEvent> served = predictions.process(ServedVersions::new, Named.as("served-versions"));
        KStream<String, FreshnessEvent> trained = manifests
                .filter((key, manifest) -> manifest.getLineage().getEventTimeMax() != null, Named.as("manifests-with-event-time"))
                .map((key, manifest) -> KeyValue.pair(manifest.getModel(),
                        FreshnessEvent.manifest(manifest.getVersion(), manifest.getLineage().getEventTimeMax())),
                        Named.as("trained-versions"));
        builder.addStateStore(FreshnessProcessor.storeBuilder());
        served.merge(trained, Named.as("version-events"))
                .repartition(Repartitioned.with(Serdes.String(), FreshnessEvent.SERDE).withName("freshness"))
                .process(() -> new FreshnessProcessor(metrics), Named.as("freshness-versions"), FreshnessProcessor.STORE);
    }

    /** The topic's records decoded by {@code reader}; those it refuses go to the dead-letter topic. */
    private static <V> KStream<byte[], V> read(StreamsBuilder builder, String topic, String name, RecordReader<V> reader,
                                               DeadLetters deadLetters, String deadLetterTopic) {
        KStream<byte[], Decoded<V>> decoded = builder
                .stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-source"))
                .processValues(() -> new DecodingProcessor<>(reader, deadLetters), Named.as(name + "-decode"));
        // A dead letter goes out under its own key, cut to fit: the source key can be as large as the producer allows.
        // (Re-keying before a sink does not repartition.)
        decoded.filter((key, record) -> record.isRejected(), Named.as(name + "-rejected"))
                .map((key, record) -> KeyValue.pair(record.deadLetterKey(), record.deadLetter()), Named.as(name + "-dead-letter"))
                .to(deadLetterTopic, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-dead-letters"));
        return decoded.filterNot((key, record) -> record.isRejected(), Named.as(name + "-accepted"))
                .mapValues(Decoded::value, Named.as(name + "-values"));
    }
}
