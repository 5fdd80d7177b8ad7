package io.kdstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

import io.kdstream.schemas.serde.Codecs;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/**
 * Records written by services of the released schemas (still on the topics, or from a service not upgraded yet) are
 * read by the current codecs: the single-object encoding names the writer schema by fingerprint, so a codec must know
 * the released schemas, not only be compatible with them.
 */
class ReleasedRecordsTest {

    @Test
    void shouldReadTrafficAndSoftLabelsWrittenWithTheReleasedSchemas() throws IOException {
        Schema.Parser parser = new Schema.Parser();
        Schema tensorSchema = parse(parser, "Tensor");
        Schema trafficSchema = parse(parser, "TrafficEvent");
        Schema labelSchema = parse(parser, "SoftLabel");
        GenericRecord tensor = new GenericData.Record(tensorSchema);
        tensor.put("dtype", new GenericData.EnumSymbol(tensorSchema.getField("dtype").schema(), "UINT8"));
        tensor.put("shape", List.of(1));
        tensor.put("data", ByteBuffer.wrap(new byte[]{7}));
        GenericRecord traffic = new GenericData.Record(trafficSchema);
        traffic.put("requestId", "old-1");
        traffic.put("eventTime", 5L);
        traffic.put("input", tensor);
        traffic.put("source", new GenericData.EnumSymbol(trafficSchema.getField("source").schema(), "REPLAY"));
        GenericRecord label = new GenericData.Record(labelSchema);
        label.put("requestId", "old-2");
        label.put("eventTime", 5L);
        label.put("labelledTime", 6L);
        label.put("input", tensor);
        label.put("teacherId", "t");
        label.put("teacherVersion", "1");
        label.put("temperature", 2f);
        label.put("classCount", 1);
        GenericRecord dense = new GenericData.Record(labelSchema.getField("probabilities").schema().getTypes().get(0));
        dense.put("values", List.of(1f));
        label.put("probabilities", dense);
        label.put("ensemble", List.of());

        TrafficEvent readTraffic = Codecs.TRAFFIC_EVENT.decode(encode(trafficSchema, traffic));
        SoftLabel readLabel = Codecs.SOFT_LABEL.decode(encode(labelSchema, label));

        assertThat(readTraffic.getRequestId()).isEqualTo("old-1");
        assertThat(readTraffic.getEventTime()).isEqualTo(Instant.ofEpochMilli(5));
        assertThat(readTraffic.getShadowId()).isNull();
        assertThat(readLabel.getRequestId()).isEqualTo("old-2");
        assertThat(readLabel.getShadowId()).isNull();
    }

    private static Schema parse(Schema.Parser parser, String name) throws IOException {
        try (InputStream in = ReleasedRecordsTest.class.getResourceAsStream("/released/v1/" + name + ".avsc")) {
            return parser.parse(in);
        }
    }

    private static byte[] encode(Schema schema, GenericRecord record) throws IOException {
        ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
