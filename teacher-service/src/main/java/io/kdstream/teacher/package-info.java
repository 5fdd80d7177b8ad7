/**
 * teacher-service: reads kd-traffic, labels it in batches with the teacher (or a weighted ensemble) and writes
 * temperature-softened soft labels to kd-soft-labels in Kafka transactions, so each event is labelled exactly once.
 */
package io.kdstream.teacher;
