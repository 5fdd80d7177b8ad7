/**
 * The labelling pipeline: dynamic batching, a poll thread and an inference thread, and the Kafka transaction that
 * makes soft labels, dead letters and consumed offsets visible together (exactly once, also across rebalances).
 */
package io.kdstream.teacher.pipeline;
