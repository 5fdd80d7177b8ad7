/**
 * Kafka plumbing the services share: topic names and their definitions, client settings with the safe
 * defaults kd-stream relies on, the dead-letter publisher and consumer-lag tracking.
 */
package io.kdstream.core.kafka;
