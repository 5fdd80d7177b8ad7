package io.kdstream.app.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import io.kdstream.core.checkpoint.CheckpointAssembler;
import io.kdstream.core.checkpoint.CheckpointChunks;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.tensor.Tensors;
import io.kdstream.schemas.CheckpointKey;
import io.kdstream.schemas.DenseProbabilities;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.trainer.StudentTrainer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** Writes images with their teacher probabilities onto a soft-label topic, as the teacher service would. */
final class BenchStreams {

    private BenchStreams() {
    }

    /**
     * @param probabilities row-major {@code (count, classes)} teacher probabilities softened at {@code temperature}
     * @return the number of records written
     */
    static int produceSoftLabels(String bootstrap, String topic, LabeledImages images, float[] probabilities, int classes,
                                 float temperature, String runId) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(
                Map.of("bootstrap.servers", bootstrap, "batch.size", 262_144, "linger.ms", 20), "bench-" + runId))) {
            for (int i = 0; i < images.count(); i++) {
                String id = runId + "-" + i;
                List<Float> row = new ArrayList<>(classes);
                for (int c = 0; c < classes; c++) {
                    row.add(probabilities[i * classes + c]);
                }
                SoftLabel label = SoftLabel.newBuilder()
                        .setRequestId(id)
                        .setEventTime(Instant.ofEpochMilli(i))
                        .setLabelledTime(Instant.ofEpochMilli(i))
                        .setInput(Tensors.uint8(images.image(i), 1, images.height(), images.width()))
                        .setTeacherId("bench-teacher")
                        .setTeacherVersion("1")
                        .setTemperature(temperature)
                        .setClassCount(classes)
                        .setProbabilities(new DenseProbabilities(row))
                        .setTrueLabel(images.labels()[i])
                        .build();
                producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), Codecs.SOFT_LABEL.encode(label)));
            }
            producer.flush();
        }
        return images.count();
    }

    /** Unit inputs of every image, row-major. */
    static float[] unitInputs(LabeledImages images) {
        float[] inputs = new float[images.count() * images.imageSize()];
        for (int i = 0; i < images.count(); i++) {
            images.writeUnitFloats(i, inputs, i * images.imageSize());
        }
        return inputs;
    }

    /**
     * Waits until the trainer has taken {@code samples} examples into training.
     *
     * @return {@link System#nanoTime()} when it had
     * @throws IllegalStateException when the trainer stops first, or after an hour
     */
    static long awaitTrained(StudentTrainer trainer, long samples) {
        return await(trainer, trainer::samplesTrained, samples);
    }

    /**
     * Waits until {@code count} (samples taken into training, or stepped on) reaches {@code samples}, napping a
     * millisecond between looks: spinning would take a core from the trainer being measured.
     *
     * @return {@link System#nanoTime()} when it had
     * @throws IllegalStateException when the trainer stops first, or after an hour
     */
    static long await(StudentTrainer trainer, LongSupplier count, long samples) {
        long deadline = System.nanoTime() + Duration.ofHours(1).toNanos();
        while (count.getAsLong() < samples) {
            if (trainer.state() != StudentTrainer.State.RUNNING || System.nanoTime() > deadline) {
                throw new IllegalStateException("the trainer stopped at " + count.getAsLong() + " of " + samples
                        + " samples (" + trainer.state() + ")", trainer.failure().orElse(null));
            }
            LockSupport.parkNanos(1_000_000);
            if (Thread.interrupted()) {
                throw new IllegalStateException("interrupted while waiting for the trainer");
            }
        }
        return System.nanoTime();
    }

    /** Every record of the (single-partition) checkpoint topic, from its beginning to its end at the time of the call. */
    static List<ConsumerRecord<byte[], byte[]>> readCheckpointTopic(String bootstrap, String clientId) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                KafkaClients.groupless(Map.of("bootstrap.servers", bootstrap), clientId))) {
            TopicPartition partition = new TopicPartition(Topics.DEFAULT.checkpoints(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Every verified checkpoint of {@code model} on the checkpoint topic at the time of the call, oldest first. */
    static List<CheckpointAssembler.Assembled> checkpoints(String bootstrap, String clientId, String model) {
        List<CheckpointAssembler.Assembled> found = new ArrayList<>();
        CheckpointAssembler assembler = new CheckpointAssembler();
        for (ConsumerRecord<byte[], byte[]> record : readCheckpointTopic(bootstrap, clientId)) {
            CheckpointKey key = Codecs.CHECKPOINT_KEY.decode(record.key());
            if (!key.getModel().equals(model) || record.value() == null) {
                continue;
            }
            if (key.getChunk() == CheckpointChunks.MANIFEST) {
                CheckpointAssembler.Assembled assembled = assembler.complete(Codecs.CHECKPOINT.decode(record.value()));
                if (assembled.ok()) {
                    found.add(assembled);
                }
            } else {
                assembler.addChunk(Codecs.CHECKPOINT_CHUNK.decode(record.value()));
            }
        }
        return found;
    }
}
