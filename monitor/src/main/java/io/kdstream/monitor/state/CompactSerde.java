package io.kdstream.monitor.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serde for the monitor's internal records (repartition topics and state stores only, never a wire contract
 * between services): fields written one after another with {@link DataOutput}. Nothing outside the monitor's
 * application id reads these bytes, so no schema is needed; a change of layout needs a new application id.
 *
 * @param <T> the record type
 */
public final class CompactSerde<T> implements Serde<T> {

    /** Writes one record's fields. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(T value, DataOutput out) throws IOException;
    }

    /** Reads the fields {@link Writer} wrote, in the same order. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(DataInput in) throws IOException;
    }

    private final String name;
    private final Writer<T> writer;
    private final Reader<T> reader;

    public CompactSerde(String name, Writer<T> writer, Reader<T> reader) {
        this.name = name;
        this.writer = writer;
        this.reader = reader;
    }

    /** A vector of doubles, length first. */
    public static CompactSerde<double[]> doubles() {
        return new CompactSerde<>("double[]", CompactSerde::writeDoubles, CompactSerde::readDoubles);
    }

    public static void writeDoubles(double[] values, DataOutput out) throws IOException {
        out.writeInt(values.length);
        for (double value : values) {
            out.writeDouble(value);
        }
    }

    public static double[] readDoubles(DataInput in) throws IOException {
        double[] values = new double[in.readInt()];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }

    public byte[] encode(T value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(value, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a " + name, e);
        }
        return bytes.toByteArray();
    }

    public T decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return reader.read(in);
        } catch (IOException e) {
            throw new SerializationException("expected an encoded " + name + " but " + bytes.length
                    + " bytes did not read as one: " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : encode(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }
}
