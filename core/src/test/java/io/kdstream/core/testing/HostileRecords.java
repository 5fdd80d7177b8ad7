package io.kdstream.core.testing;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import io.kdstream.core.kafka.KafkaClients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Records built to hurt a service, the same kinds for every topic's hostile IT: the array bomb (a few bytes whose
 * array claims 2,147,483,639 items, which Avro would allocate as 8 GiB), and a record with a 900,000-character id,
 * whose dead letter (raw key and value) is larger than a producer may send unless it is truncated.
 */
public final class HostileRecords {

    /** An id of 900,000 characters: the record carrying it, key and value, passes 1 MiB. */
    public static final String HUGE_ID = "x".repeat(900_000);
    /** Single-object encoding: the marker C3 01 and the writer schema's 64-bit fingerprint. */
    private static final int HEADER_BYTES = 10;
    /** An Avro array block count of 2,147,483,639 (zigzag varint). */
    private static final byte[] HUGE_COUNT = {(byte) 0xEE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};

    private HostileRecords() {
    }

    /**
     * The header of {@code encodedRecord} (so the reader takes it for its record type), then {@code emptyFields} zero
     * bytes (empty strings, zero numbers, first enum symbols, in the schema's field order), then an array that claims
     * 2,147,483,639 items: 18 bytes after three empty fields.
     */
    public static byte[] arrayBomb(byte[] encodedRecord, int emptyFields) {
        byte[] bomb = Arrays.copyOf(Arrays.copyOf(encodedRecord, HEADER_BYTES), HEADER_BYTES + emptyFields + HUGE_COUNT.length);
        System.arraycopy(HUGE_COUNT, 0, bomb, HEADER_BYTES + emptyFields, HUGE_COUNT.length);
        return bomb;
    }

    /** Sends the records in order, each acknowledged before the next, with a producer allowed 4 MiB requests. */
    public static void send(String bootstrap, List<ProducerRecord<byte[], byte[]>> records) {
        Map<String, Object> settings = new HashMap<>(Map.of("bootstrap.servers", bootstrap,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(settings, "hostile"))) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record).get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not send a hostile record: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
