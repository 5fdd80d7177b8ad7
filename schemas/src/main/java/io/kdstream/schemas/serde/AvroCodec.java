package io.kdstream.schemas.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Encodes and decodes one record type with Avro's single-object encoding, and serves as a Kafka {@link Serde}.
 *
 * <p>Older writer schemas of the same record can be registered with {@link #withWriterSchema(Schema)} so that
 * records written before a compatible schema change still decode.
 *
 * <p>Decoding is bounded by the record's own size: before Avro builds anything, the payload is walked by its writer
 * schema without allocating (Avro's {@code skip}), which fails on any array, map, string or bytes that claims more
 * than the remaining bytes hold. Avro itself would allocate what a length prefix claims (its
 * {@code org.apache.avro.limits.*} defaults allow nearly 2^31 items), so an 18-byte record could ask for 8 GiB.
 * Every item of every kd-stream array takes at least one byte, so this bound is sound for these schemas.
 *
 * @param <T> the generated record class
 */
public final class AvroCodec<T extends SpecificRecordBase> implements Serde<T> {

    /** Single-object encoding: the marker C3 01, then the writer schema's 64-bit fingerprint, little-endian. */
    private static final int HEADER_BYTES = 10;

    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final SchemaStore.Cache writerSchemas = new SchemaStore.Cache();
    private final BinaryMessageDecoder<T> decoder;
    /** Writer schemas by fingerprint, for the bounds check. */
    private final Map<Long, Schema> writers = new ConcurrentHashMap<>();

    public AvroCodec(Schema schema) {
        this.schema = schema;
        this.encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
        this.decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema, writerSchemas);
        writers.put(SchemaNormalization.parsingFingerprint64(schema), schema);
    }

    /** Also accepts records written with {@code olderSchema}, which must be compatible with this codec's schema. */
    public AvroCodec<T> withWriterSchema(Schema olderSchema) {
        decoder.addSchema(olderSchema);
        writers.put(SchemaNormalization.parsingFingerprint64(olderSchema), olderSchema);
        return this;
    }

    /** The schema this codec writes. */
    public Schema schema() {
        return schema;
    }

    public byte[] encode(T record) {
        try {
            ByteBuffer buffer = encoder.encode(record);
            return Arrays.copyOfRange(buffer.array(), buffer.arrayOffset() + buffer.position(),
                    buffer.arrayOffset() + buffer.limit());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + schema.getName(), e);
        }
    }

    /**
     * Decodes bytes written by {@link #encode}.
     *
     * @throws RecordDecodingException when the bytes are empty, not single-object encoded, written with an
     *                                 unknown schema, truncated, or claim more than they hold
     */
    public T decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new RecordDecodingException("expected an encoded " + schema.getName() + " but found no bytes", null);
        }
        try {
            requireWithinBounds(bytes);
            return decoder.decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new RecordDecodingException("expected an encoded " + schema.getName() + " (" + bytes.length
                    + " bytes received): " + e.getMessage(), e);
        }
    }

    /**
     * Walks the payload by its writer schema without allocating; Avro's skip throws {@link java.io.EOFException} when
     * a length or item count runs past the end. Headers this codec does not know are left for the decoder to refuse
     * with its own message.
     */
    private void requireWithinBounds(byte[] bytes) throws IOException {
        if (bytes.length < HEADER_BYTES || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            return;
        }
        Schema writer = writers.get(ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
        if (writer == null) {
            return;
        }
        BinaryDecoder payload = DecoderFactory.get().binaryDecoder(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES, null);
        try {
            GenericDatumReader.skip(writer, payload);
        } catch (java.io.EOFException e) {
            throw new IOException("a length or item count claims more than the record's " + bytes.length + " bytes hold", e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, record) -> record == null ? null : encode(record);
    }

    /** Tombstones (null values) deserialize to null; anything undecodable throws {@link RecordDecodingException}. */
    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }
}
