/**
 * A real single-node Kafka broker in the current JVM: Kafka's own KRaft server code, formatted and started
 * on loopback, so that the demo and the integration tests speak the real protocol without Docker.
 */
package io.kdstream.broker;
