package io.kdstream.core.kafka;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import io.kdstream.core.metrics.CommonMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Records behind the end of the input topic, as a gauge. A consumer is single-threaded, so the poll loop calls
 * {@link #update} after each poll; the gauge only reads the last value. {@code currentLag} uses the positions the
 * consumer already knows and makes no request to the broker.
 */
public final class ConsumerLag {

    private final AtomicLong lag = new AtomicLong();

    public ConsumerLag(MeterRegistry registry, String service, String topic) {
        CommonMetrics.consumerLag(registry, service, topic, lag);
    }

    public void update(Consumer<?, ?> consumer) {
        long total = 0;
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong partitionLag = consumer.currentLag(partition);
            if (partitionLag.isPresent()) {
                total += partitionLag.getAsLong();
            }
        }
        lag.set(total);
    }

    public long current() {
        return lag.get();
    }
}
