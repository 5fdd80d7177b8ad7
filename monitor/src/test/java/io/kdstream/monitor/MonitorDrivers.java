package io.kdstream.monitor;

import java.time.Instant;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The monitor's topology under TopologyTestDriver, built from settings as the service builds it. */
final class MonitorDrivers {

    private MonitorDrivers() {
    }

    /** A driver of the topology for {@code settings}, its meters in {@code registry}, wall clock at {@code start}. */
    static TopologyTestDriver start(Map<String, Object> settings, MeterRegistry registry, Instant start) {
        MonitorConfig config = new MonitorConfig(settings);
        MonitorMetrics metrics = new MonitorMetrics(registry, config.versionsKept());
        return new TopologyTestDriver(MonitorTopology.build(config, metrics), MonitorService.streamsProperties(config), start);
    }

    /** An input topic of raw bytes, as the monitor reads every topic. */
    static TestInputTopic<byte[], byte[]> input(TopologyTestDriver driver, String topic) {
        return driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
