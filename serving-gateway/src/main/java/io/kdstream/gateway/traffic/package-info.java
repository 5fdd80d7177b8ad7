/**
 * Writes what the gateway saw to Kafka: sampled input copies to kd-traffic for the teacher and answers to
 * kd-predictions for the monitor, asynchronously and with a bounded buffer, so Kafka trouble never reaches a user.
 */
package io.kdstream.gateway.traffic;
