/**
 * The monitor service: a Kafka Streams application that joins the gateway's predictions with the teacher's soft
 * labels and exports agreement, KL, accuracy, class-distribution drift and loop freshness through Micrometer.
 * {@link io.kdstream.monitor.MonitorTopology} is the topology, {@link io.kdstream.monitor.MonitorMetrics} the meters.
 */
package io.kdstream.monitor;
