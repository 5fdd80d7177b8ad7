/**
 * Benchmarks run by {@code kd bench}: closed-loop load over loopback against a real service and its real Kafka
 * path, reported as figures a person can compare across runs and machines.
 */
package io.kdstream.app.bench;
