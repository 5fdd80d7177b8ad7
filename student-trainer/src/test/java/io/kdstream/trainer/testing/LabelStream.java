package io.kdstream.trainer.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.eval.HoldoutSlice;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.schemas.serde.Codecs;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A soft-label stream for integration tests: {@code valid} labels of Fashion-MNIST images (true labels on every
 * other one) with every kind of broken label and some undecodable bytes mixed in, plus the counts a checkpoint's
 * lineage must add up to.
 */
public record LabelStream(List<ProducerRecord<byte[], byte[]>> records, int valid, int heldOut,
                          Map<String, Integer> deadLetterReasons) {

    public static LabelStream of(String topic, int valid, int brokenEvery, int holdoutPermille) {
        LabeledImages images = FashionSlices.train(valid);
        Random noise = new Random(1);
        HoldoutSlice slice = TestHoldout.slice(holdoutPermille);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, Integer> reasons = new HashMap<>();
        int heldOut = 0;
        for (int i = 0; i < valid; i++) {
            String id = "req-" + i;
            records.add(record(topic, id, Codecs.SOFT_LABEL.encode(SoftLabels.valid(id, images, i, i % 2 == 0, noise))));
            heldOut += slice.isHeldOut(id) ? 1 : 0;
            if (i % brokenEvery == 0) {
                for (SoftLabels.Broken how : SoftLabels.Broken.values()) {
                    String brokenId = "broken-" + how + "-" + i;
                    records.add(record(topic, brokenId, Codecs.SOFT_LABEL.encode(SoftLabels.broken(brokenId, images, i, how, noise))));
                    reasons.merge(how.reason, 1, Integer::sum);
                }
                records.add(record(topic, "garbage-" + i, "not avro".getBytes(StandardCharsets.UTF_8)));
                reasons.merge("undecodable", 1, Integer::sum);
            }
        }
        return new LabelStream(records, valid, heldOut, reasons);
    }

    public int deadLetters() {
        return deadLetterReasons.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String id, byte[] value) {
        return new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), value);
    }
}
