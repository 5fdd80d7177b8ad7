package io.kdstream.schemas.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.apache.avro.Schema;
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
 * @param <T> the generated record class
 */
public final class AvroCodec<T extends SpecificRecordBase> implements Serde<T> {

    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final SchemaStore.Cache writerSchemas = new SchemaStore.Cache();
    private final BinaryMessageDecoder<T> decoder;

    public AvroCodec(Schema schema) {
        this.schema = schema;
        this.encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
        this.decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema, writerSchemas);
    }

    /** Also accepts records written with {@code olderSchema}, which must be compatible with this codec's schema. */
    public AvroCodec<T> withWriterSchema(Schema olderSchema) {
        decoder.addSchema(olderSchema);
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
     *                                 unknown schema, or truncated
     */
    public T decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new RecordDecodingException("expected an encoded " + schema.getName() + " but found no bytes", null);
        }
        try {
            return decoder.decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new RecordDecodingException("expected an encoded " + schema.getName() + " (" + bytes.length
                    + " bytes received): " + e.getMessage(), e);
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
