package io.kdstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;

import io.kdstream.schemas.serde.Codecs;
import io.kdstream.schemas.serde.RecordDecodingException;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/** Records that claim more than they hold must be refused before anything of the claimed size is allocated. */
class HostileRecordTest {

    @Test
    void shouldRefuseAnArrayBombOfEighteenBytes() {
        // given: a TrafficEvent header, an empty request id, event time 0, dtype UINT8, and a shape that claims
        // 2,147,483,639 ints but ends right there
        byte[] bomb = withHeader(TrafficEvent.getClassSchema(), bytes(0, 0, 0), varLong(2_147_483_639L));

        // when / then
        assertThat(bomb).hasSize(18);
        assertThatThrownBy(() -> Codecs.TRAFFIC_EVENT.decode(bomb))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("expected an encoded TrafficEvent");
    }

    @Test
    void shouldRefuseAStringThatClaimsMoreBytesThanTheRecordHolds() {
        byte[] bomb = withHeader(GroundTruth.getClassSchema(), varLong(Integer.MAX_VALUE - 8L), bytes(65, 66));

        assertThatThrownBy(() -> Codecs.GROUND_TRUTH.decode(bomb)).isInstanceOf(RecordDecodingException.class);
    }

    @Test
    void shouldRefuseBytesThatClaimMoreThanTheRecordHolds() {
        // given: a chunk with a model name "m", version 1, index 0, and data claiming 2 GiB
        byte[] bomb = withHeader(CheckpointChunk.getClassSchema(), bytes(2, 'm', 2, 0), varLong(Integer.MAX_VALUE - 8L));

        assertThatThrownBy(() -> Codecs.CHECKPOINT_CHUNK.decode(bomb)).isInstanceOf(RecordDecodingException.class);
    }

    @Test
    void shouldStillDecodeALargeHonestRecord() {
        TrafficEvent event = new TrafficEvent("r".repeat(900_000), Instant.EPOCH,
                Tensor.newBuilder().setDtype(DType.UINT8).setShape(List.of(1, 28, 28)).setData(ByteBuffer.wrap(new byte[784])).build(),
                null, TrafficSource.SHADOW, null);

        assertThat(Codecs.TRAFFIC_EVENT.decode(Codecs.TRAFFIC_EVENT.encode(event))).isEqualTo(event);
    }

    private static byte[] withHeader(org.apache.avro.Schema schema, byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(SchemaNormalization.parsingFingerprint64(schema)).array());
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    /** Avro's zig-zag variable-length long. */
    private static byte[] varLong(long value) {
        long n = (value << 1) ^ (value >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
        return out.toByteArray();
    }
}
