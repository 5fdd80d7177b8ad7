package io.kdstream.trainer.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class CheckpointPublisherTest {

    /** A producer whose first commits time out, as they do while the broker is away. */
    private static final class SlowBroker extends MockProducer<byte[], byte[]> {

        private final AtomicInteger timeoutsLeft;
        private int aborts;

        SlowBroker(int timeouts) {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            this.timeoutsLeft = new AtomicInteger(timeouts);
        }

        @Override
        public void commitTransaction() {
            if (timeoutsLeft.getAndDecrement() > 0) {
                throw new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(true)");
            }
            super.commitTransaction();
        }

        @Override
        public void abortTransaction() {
            aborts++;
            super.abortTransaction();
        }
    }

    @Test
    void shouldCommitAgainAfterATimeoutInsteadOfAborting() {
        // given
        SlowBroker producer = new SlowBroker(2);
        CheckpointPublisher publisher = new CheckpointPublisher(producer, () -> true);
        publisher.init();

        // when
        publisher.commit(List.of(new ProducerRecord<>("kd-checkpoints", new byte[]{1}, new byte[]{2})),
                Map.of(new TopicPartition("kd-soft-labels", 0), new OffsetAndMetadata(5)), new ConsumerGroupMetadata("g"));

        // then
        assertThat(producer.transactionCommitted()).isTrue();
        assertThat(producer.aborts).isZero();
        assertThat(publisher.inTransaction()).isFalse();
    }
}
