package io.kdstream.teacher.labels;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.kdstream.core.kafka.DeadLetters;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.teacher.TeacherMetrics;
import io.kdstream.teacher.TeacherMetrics.Stage;
import io.kdstream.teacher.model.Teacher;
import io.kdstream.teacher.traffic.TrafficRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Labels one batch of traffic: a single teacher call for all its valid examples, then one soft label per example
 * and one dead letter per rejected record or non-finite output, in the batch's order. Nothing here talks to Kafka,
 * so the caller decides which transaction the records go into.
 */
public final class BatchLabeller {

    public static final String NONFINITE_OUTPUT = "nonfinite-output";
    /** A soft label larger than the producer may send (a request id of a megabyte): it would abort every transaction. */
    public static final String TOO_LARGE = "too-large";

    private final Teacher teacher;
    private final SoftLabeller labeller;
    private final float temperature;
    private final String softLabelTopic;
    private final DeadLetters deadLetters;
    private final TeacherMetrics metrics;

    public BatchLabeller(Teacher teacher, SoftLabeller labeller, float temperature, String softLabelTopic,
                         DeadLetters deadLetters, TeacherMetrics metrics) {
        this.teacher = teacher;
        this.labeller = labeller;
        this.temperature = temperature;
        this.softLabelTopic = softLabelTopic;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    /** The records to publish for {@code batch}, and how many of them are soft labels. */
    public record Output(List<ProducerRecord<byte[], byte[]>> records, int labels) {
    }

    public Output label(List<TrafficRecord> batch) {
        List<TrafficRecord.Example> examples = new ArrayList<>(batch.size());
        for (TrafficRecord record : batch) {
            if (record instanceof TrafficRecord.Example example) {
                examples.add(example);
            }
        }
        float[] probabilities = examples.isEmpty() ? new float[0] : run(examples);
        long encodeStarted = System.nanoTime();
        Instant labelledAt = Instant.now();
        int classes = teacher.classes();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(batch.size());
        int labels = 0;
        int row = 0;
        for (TrafficRecord record : batch) {
            if (record instanceof TrafficRecord.Rejected rejected) {
                out.add(deadLetters.of(rejected.source(), rejected.reason(), rejected.detail()));
                continue;
            }
            TrafficRecord.Example example = (TrafficRecord.Example) record;
            int offset = row++ * classes;
            int bad = firstNonFinite(probabilities, offset, classes);
            if (bad >= 0) {
                metrics.nonfinite().increment();
                out.add(deadLetters.of(example.source(), NONFINITE_OUTPUT, "request " + example.event().getRequestId()
                        + ": teacher output for class " + bad + " is " + probabilities[offset + bad] + ", expected a finite probability"));
                continue;
            }
            byte[] key = example.event().getRequestId().getBytes(StandardCharsets.UTF_8);
            byte[] value = Codecs.SOFT_LABEL.encode(labeller.label(example.event(), probabilities, offset, labelledAt));
            if ((long) key.length + value.length > deadLetters.maxPayloadBytes()) {
                out.add(deadLetters.of(example.source(), TOO_LARGE, "its soft label takes " + (key.length + value.length)
                        + " bytes, more than max.request.size allows (" + deadLetters.maxPayloadBytes() + " for key and value)"));
                continue;
            }
            out.add(new ProducerRecord<>(softLabelTopic, key, value));
            labels++;
        }
        metrics.stage(Stage.ENCODE).record(System.nanoTime() - encodeStarted, TimeUnit.NANOSECONDS);
        return new Output(out, labels);
    }

    private float[] run(List<TrafficRecord.Example> examples) {
        long started = System.nanoTime();
        int size = teacher.inputSize();
        float[] inputs = new float[examples.size() * size];
        for (int i = 0; i < examples.size(); i++) {
            System.arraycopy(examples.get(i).inputs(), 0, inputs, i * size, size);
        }
        metrics.batchSize().record(examples.size());
        long forwardStarted = System.nanoTime();
        metrics.stage(Stage.ASSEMBLE).record(forwardStarted - started, TimeUnit.NANOSECONDS);
        float[] probabilities = teacher.probabilities(inputs, examples.size(), temperature);
        long forward = System.nanoTime() - forwardStarted;
        metrics.inference().record(forward, TimeUnit.NANOSECONDS);
        metrics.stage(Stage.FORWARD).record(forward, TimeUnit.NANOSECONDS);
        return probabilities;
    }

    private static int firstNonFinite(float[] values, int offset, int length) {
        for (int c = 0; c < length; c++) {
            if (!Float.isFinite(values[offset + c])) {
                return c;
            }
        }
        return -1;
    }
}
